//go:build cgo && (linux || darwin || freebsd)

package artifact

// ISA-L is loaded at run time with dlopen, so that one binary runs where the
// library is missing and inflates faster where it is installed. Nothing of
// ISA-L is needed to build mati.
//
// The rules are:
//   - The C code below mirrors struct inflate_state of ISA-L's
//     include/igzip_lib.h (github.com/intel/isa-l), the only struct mati
//     shares with the library. Its layout is the same from v2.24.0 to
//     v2.32.1: the first change before that is v2.24.0's hist_bits and
//     wrapper_flag. The static assertions pin its size and the offsets of
//     the fields used on 64-bit platforms.
//   - The library's version is isal_get_version() (v2.32.0 on) or, before
//     it, the libtool revision in the file name the library was loaded from
//     (libisal.so.2.0.30 is 2.30). A version before isalMinMinor is never
//     used; one after isalMaxMinor only when MATI_INFLATE=isal asks for it.
//   - The state is allocated by C (calloc) and freed when its Go owner is
//     collected; the C side never keeps a Go pointer after a call returns:
//     ISA-L copies the history it needs into the state between calls.

/*
#cgo linux LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// struct inflate_state of include/igzip_lib.h, v2.24.0 to v2.32.1. The array
// sizes are the header's macros worked out: ISAL_DECODE_LONG_BITS 12 and
// ISAL_DECODE_SHORT_BITS 10 give ISAL_HUFF_CODE_LARGE_LONG_ALIGNED 1264 and
// ISAL_HUFF_CODE_SMALL_LONG_ALIGNED 80; ISAL_DEF_MAX_HDR_SIZE is 328;
// 2 * ISAL_DEF_HIST_SIZE + ISAL_LOOK_AHEAD is 2 * 32768 + 288.
struct mati_inflate_state {
	uint8_t *next_out;
	uint32_t avail_out;
	uint32_t total_out;
	uint8_t *next_in;
	uint64_t read_in;
	uint32_t avail_in;
	int32_t read_in_length;
	uint32_t lit_short_code_lookup[1 << 12];
	uint16_t lit_long_code_lookup[1264];
	uint16_t dist_short_code_lookup[1 << 10];
	uint16_t dist_long_code_lookup[80];
	int block_state; // enum isal_block_state
	uint32_t dict_length;
	uint32_t bfinal;
	uint32_t crc_flag;
	uint32_t crc;
	uint32_t hist_bits;
	int32_t type0_block_len; // a union with count and dict_id
	int32_t write_overflow_lits;
	int32_t write_overflow_len;
	int32_t copy_overflow_length;
	int32_t copy_overflow_distance;
	int16_t wrapper_flag;
	int16_t tmp_in_size;
	int32_t tmp_out_valid;
	int32_t tmp_out_processed;
	uint8_t tmp_in_buffer[328];
	uint8_t tmp_out_buffer[2 * 32768 + 288];
};

// The size and offsets that the header of v2.24.0 to v2.32.1 gives on LP64
// (amd64, arm64), measured with the real header.
_Static_assert(sizeof(void *) != 8 || sizeof(struct mati_inflate_state) == 87368, "inflate_state size");
_Static_assert(sizeof(void *) != 8 || offsetof(struct mati_inflate_state, block_state) == 21160, "block_state offset");
_Static_assert(sizeof(void *) != 8 || offsetof(struct mati_inflate_state, crc_flag) == 21172, "crc_flag offset");
_Static_assert(sizeof(void *) != 8 || offsetof(struct mati_inflate_state, tmp_out_valid) == 21208, "tmp_out_valid offset");

// Values of include/igzip_lib.h.
enum {
	MATI_ISAL_BLOCK_FINISH = 5,       // enum isal_block_state ISAL_BLOCK_FINISH
	MATI_ISAL_GZIP_NO_HDR_VER = 6,    // crc_flag: raw deflate, then the gzip trailer verified
	MATI_ISAL_INCORRECT_CHECKSUM = -6 // isal_inflate: the trailer's CRC-32 or size is wrong
};

typedef void (*mati_init_fn)(struct mati_inflate_state *);
typedef int (*mati_inflate_fn)(struct mati_inflate_state *);
typedef unsigned (*mati_version_fn)(void);

static mati_init_fn mati_isal_inflate_init;
static mati_init_fn mati_isal_inflate_reset;
static mati_inflate_fn mati_isal_inflate;

// mati_isal_open loads the library by one of names (NUL-separated, ending in
// an empty name) and its three inflate functions. It returns 0 and sets
// *version (0 if unknown) and path (the file it came from, "" if unknown),
// or -1 when no name loads and -2 when a function is missing; err gets
// dlerror's message.
static int mati_isal_open(const char *names, unsigned *version, char *path, size_t path_len, char *err, size_t err_len) {
	void *h = NULL;
	const char *name;
	err[0] = 0;
	path[0] = 0;
	for (name = names; *name; name += strlen(name) + 1) {
		h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
		if (h) {
			break;
		}
		if (!err[0]) {
			const char *e = dlerror();
			if (e) {
				strncpy(err, e, err_len - 1);
				err[err_len - 1] = 0;
			}
		}
	}
	if (!h) {
		return -1;
	}
	mati_isal_inflate_init = (mati_init_fn)dlsym(h, "isal_inflate_init");
	mati_isal_inflate_reset = (mati_init_fn)dlsym(h, "isal_inflate_reset");
	mati_isal_inflate = (mati_inflate_fn)dlsym(h, "isal_inflate");
	if (!mati_isal_inflate_init || !mati_isal_inflate_reset || !mati_isal_inflate) {
		return -2;
	}
	mati_version_fn v = (mati_version_fn)dlsym(h, "isal_get_version");
	*version = v ? v() : 0;
	Dl_info info;
	if (dladdr((void *)mati_isal_inflate, &info) && info.dli_fname) {
		char *real = realpath(info.dli_fname, NULL);
		const char *p = real ? real : info.dli_fname;
		strncpy(path, p, path_len - 1);
		path[path_len - 1] = 0;
		free(real);
	}
	return 0;
}

static struct mati_inflate_state *mati_isal_new(void) {
	struct mati_inflate_state *s = calloc(1, sizeof(struct mati_inflate_state));
	if (s) {
		mati_isal_inflate_init(s);
		s->crc_flag = MATI_ISAL_GZIP_NO_HDR_VER;
	}
	return s;
}

// mati_isal_reset starts a new raw deflate stream with its gzip trailer.
static void mati_isal_reset(struct mati_inflate_state *s) {
	mati_isal_inflate_reset(s);
	s->crc_flag = MATI_ISAL_GZIP_NO_HDR_VER;
}

// mati_isal_step inflates from in to out once. It sets *consumed and
// *produced in bytes, *finished to 1 when the member ended with a correct
// trailer, and returns isal_inflate's result (0 or an ISAL_* error).
static int mati_isal_step(struct mati_inflate_state *s, uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_len,
		uint32_t *consumed, uint32_t *produced, int *finished) {
	s->next_in = in;
	s->avail_in = in_len;
	s->next_out = out;
	s->avail_out = out_len;
	int ret = mati_isal_inflate(s);
	// On damaged data ISA-L may leave avail_in past the input it was given:
	// count no more than all of it.
	*consumed = s->avail_in <= in_len ? in_len - s->avail_in : in_len;
	*produced = out_len - s->avail_out;
	*finished = ret == 0 && s->block_state == MATI_ISAL_BLOCK_FINISH;
	s->next_in = NULL;
	s->next_out = NULL;
	return ret;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

// isalNames are the names dlopen is given, in order.
var isalNames = map[string][]string{
	"linux":   {"libisal.so.2"},
	"freebsd": {"libisal.so.2"},
	"darwin":  {"libisal.2.dylib", "/opt/homebrew/lib/libisal.2.dylib", "/usr/local/lib/libisal.2.dylib"},
}

// isalLibName is the library's name as users know it on this platform.
func isalLibName() string { return isalNames[runtime.GOOS][0] }

// openISAL loads ISA-L and returns its version (minor 0 if unknown).
func openISAL() (isalVersion, error) {
	names := strings.Join(isalNames[runtime.GOOS], "\x00") + "\x00\x00"
	cnames := C.CString(names)
	defer C.free(unsafe.Pointer(cnames))
	var (
		version C.unsigned
		path    [4096]C.char
		msg     [512]C.char
	)
	switch C.mati_isal_open(cnames, &version, &path[0], C.size_t(len(path)), &msg[0], C.size_t(len(msg))) {
	case -1:
		return isalVersion{}, fmt.Errorf("%w: %s", errISALNotFound, C.GoString(&msg[0]))
	case -2:
		return isalVersion{}, errors.New("it lacks isal_inflate")
	}
	v := isalVersion{file: C.GoString(&path[0])}
	if version != 0 {
		// ISAL_MAKE_VERSION of include/isal_api.h: major<<16 | minor<<8 | patch.
		v.major, v.minor, v.patch = int(version>>16), int(version>>8&0xff), int(version&0xff)
		return v, nil
	}
	v.major, v.minor = versionFromFile(v.file)
	return v, nil
}

// isalState is one ISA-L inflate state, in C memory.
type isalState struct {
	p *C.struct_mati_inflate_state
}

// newISALState allocates a state; free releases it.
func newISALState() (*isalState, error) {
	if _, err := isalOpen(); err != nil {
		return nil, err
	}
	p := C.mati_isal_new()
	if p == nil {
		return nil, errors.New("failed to allocate the ISA-L inflate state")
	}
	return &isalState{p: p}, nil
}

func (s *isalState) free() { C.free(unsafe.Pointer(s.p)) }

// reset starts a new member's deflate data.
func (s *isalState) reset() { C.mati_isal_reset(s.p) }

// step inflates in into out once; see mati_isal_step. out must not be
// empty; in may be.
func (s *isalState) step(in, out []byte) (consumed, produced int, finished bool, ret int) {
	var inPtr *C.uint8_t
	if len(in) > 0 {
		inPtr = (*C.uint8_t)(unsafe.Pointer(&in[0]))
	}
	var c, p C.uint32_t
	var fin C.int
	r := C.mati_isal_step(s.p, inPtr, C.uint32_t(len(in)), (*C.uint8_t)(unsafe.Pointer(&out[0])), C.uint32_t(len(out)), &c, &p, &fin)
	return int(c), int(p), fin != 0, int(r)
}

// isalIncorrectChecksum is ISAL_INCORRECT_CHECKSUM.
const isalIncorrectChecksum = C.MATI_ISAL_INCORRECT_CHECKSUM
