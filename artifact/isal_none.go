//go:build !cgo || !(linux || darwin || freebsd)

package artifact

import (
	"errors"
	"runtime"
)

// isalLibName is the library's name as users know it on this platform.
func isalLibName() string {
	if runtime.GOOS == "windows" {
		return "isa-l.dll"
	}
	return "libisal.so.2"
}

// errISALUnsupported says why this build never loads ISA-L.
var errISALUnsupported = errors.New("ISA-L is not loaded by builds without cgo or on " + runtime.GOOS)

// openISAL fails: this build cannot load shared libraries.
func openISAL() (isalVersion, error) { return isalVersion{}, errISALUnsupported }

// isalState is never created in this build.
type isalState struct{}

func newISALState() (*isalState, error)                        { return nil, errISALUnsupported }
func (s *isalState) free()                                     {}
func (s *isalState) reset()                                    {}
func (s *isalState) step(in, out []byte) (int, int, bool, int) { return 0, 0, false, -1 }

// isalIncorrectChecksum is ISAL_INCORRECT_CHECKSUM.
const isalIncorrectChecksum = -6
