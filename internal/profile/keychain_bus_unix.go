//go:build unix && !darwin

package profile

import (
	"fmt"
	"os"
)

// keychainReachable checks that a D-Bus session bus is there before
// go-keyring looks for one: without one, godbus runs dbus-launch, which
// starts a bus daemon that outlives ciamctl (in CI, containers, over ssh).
// godbus looks at DBUS_SESSION_BUS_ADDRESS, then /run/user/<uid>/bus.
func keychainReachable() error {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	if fi, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil && !fi.IsDir() {
		return nil
	}
	return &UnavailableError{Reason: "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is unset"}
}
