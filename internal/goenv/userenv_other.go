//go:build !windows

package goenv

func osUserEnv() UserEnv { return nil }
