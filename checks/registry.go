package checks

// All returns every check of the report, in the order it is shown.
func All() []*Check {
	return []*Check{
		goInstalled, goVersion, goPath,
		envGoproxy, envGosumdb, envPrivate, envSource, envFlags,
		cacheModcache, cacheIntegrity, toolsVCS,
		netProxy, netSumdb, projectModules,
	}
}

// ByID returns the check with the given ID, or nil.
func ByID(id string) *Check {
	for _, c := range All() {
		if c.ID == id {
			return c
		}
	}
	return nil
}
