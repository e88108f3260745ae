//go:build !windows

package system

func osUserEnv() UserEnv { return nil }
