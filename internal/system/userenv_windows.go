package system

import (
	"errors"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

func osUserEnv() UserEnv { return registryUserEnv{} }

// registryUserEnv keeps variables in HKCU\Environment, as the Environment
// Variables dialog and setx do. Writing there needs no administrator
// rights.
type registryUserEnv struct{}

const environmentKey = "Environment"

func (registryUserEnv) Get(name string) (string, bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, environmentKey, registry.QUERY_VALUE)
	if err != nil {
		return "", false, err
	}
	defer k.Close()
	v, _, err := k.GetStringValue(name)
	if errors.Is(err, registry.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return v, true, nil
}

// Set keeps the value's registry type. A new value, or one that refers to
// other variables (%USERPROFILE%), is stored as REG_EXPAND_SZ, as the
// Environment Variables dialog does, so that the references still expand.
func (registryUserEnv) Set(name, value string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, environmentKey, registry.QUERY_VALUE|registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	_, typ, err := k.GetStringValue(name)
	if err == nil && typ == registry.SZ && !strings.Contains(value, "%") {
		err = k.SetStringValue(name, value)
	} else {
		err = k.SetExpandStringValue(name, value)
	}
	if err != nil {
		return err
	}
	announceEnvironmentChange()
	return nil
}

func (registryUserEnv) Delete(name string) error {
	k, err := registry.OpenKey(registry.CURRENT_USER, environmentKey, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.DeleteValue(name); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return err
	}
	announceEnvironmentChange()
	return nil
}

var sendMessageTimeout = windows.NewLazySystemDLL("user32.dll").NewProc("SendMessageTimeoutW")

// announceEnvironmentChange broadcasts WM_SETTINGCHANGE("Environment"), on
// which Explorer reloads the environment that it gives to new programs.
// Windows that do not answer within a second are not waited for; failing
// to announce is not worth failing the change for (a new sign-in sees it).
func announceEnvironmentChange() {
	const (
		hwndBroadcast    = 0xffff
		wmSettingChange  = 0x001a
		smtoAbortIfHung  = 0x0002
		timeoutMillisecs = 1000
	)
	env, err := windows.UTF16PtrFromString(environmentKey)
	if err != nil || sendMessageTimeout.Find() != nil {
		return
	}
	var result uintptr
	sendMessageTimeout.Call(hwndBroadcast, wmSettingChange, 0, uintptr(unsafe.Pointer(env)), smtoAbortIfHung, timeoutMillisecs, uintptr(unsafe.Pointer(&result)))
}
