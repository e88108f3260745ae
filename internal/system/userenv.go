package system

// UserEnv is the user's persistent environment where it lives outside any
// file: on Windows the registry key HKCU\Environment, which every program
// started afterwards inherits. Shell profiles play that part on Unix, so
// there it is nil.
type UserEnv interface {
	// Get returns a variable's value as stored, %VARIABLES% unexpanded.
	Get(name string) (value string, ok bool, err error)
	// Set stores a value and tells running programs (Explorer, new
	// terminals) that the environment changed.
	Set(name, value string) error
	// Delete removes a variable; removing a missing one is no error.
	Delete(name string) error
}

// UserEnvLocation names where a UserEnv keeps its variables, for previews
// and messages.
const UserEnvLocation = `HKCU\Environment`
