//go:build !linux

package ptytest

import (
	"os"
	"os/exec"
)

func open() (master, slave *os.File, err error) { return nil, nil, ErrUnsupported }

func setControllingTerminal(*exec.Cmd) {}
