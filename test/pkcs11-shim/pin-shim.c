/*
 * pin-shim: a PKCS#11 module for tests that behaves like a smart card's PIN, in front of SoftHSM2.
 *
 * SoftHSM2 checks PINs but never counts them the way a card does: it sets USER_PIN_COUNT_LOW after
 * a failure and nothing else, never locks, and has no PIN pad. This module loads SoftHSM2 with
 * dlopen, hands out a copy of its function list (so every call goes straight to SoftHSM2) and
 * replaces the few entries where PINs are involved:
 *
 *   C_Login, C_SetPIN, C_InitToken  count wrong PINs per token (user and SO apart); at the limit
 *                                   the PIN is locked and nothing reaches SoftHSM2 (CKR_PIN_LOCKED,
 *                                   even for the right PIN); a right PIN resets its counter.
 *   C_InitPIN                       (SO logged in) sets a new user PIN: unlocks it, counter to 0.
 *   C_GetTokenInfo                  USER/SO_PIN_COUNT_LOW, _FINAL_TRY, _LOCKED from the counters
 *                                   (one of them at a time, as OpenSC reports a card), plus
 *                                   PROTECTED_AUTHENTICATION_PATH in PIN-pad mode.
 *   C_GenerateKeyPair, C_Logout,    forwarded as they are, and written to SHIM_CALL_LOG.
 *   C_CloseSession, C_Finalize
 *   C_Initialize                    reads the configuration, from the environment:
 *
 *   SHIM_SOFTHSM_MODULE   SoftHSM2's module (read at the first C_GetFunctionList); default
 *                         /usr/lib/softhsm/libsofthsm2.so. SoftHSM2 itself still needs SOFTHSM2_CONF.
 *   SHIM_PIN_TRIES        wrong user PINs before the lock, 1-255; default 3.
 *   SHIM_SO_PIN_TRIES     wrong SO PINs (the PUK) before the lock, 1-255; default 3.
 *   SHIM_STATE_DIR        where the counters are kept; default $TMPDIR/pkcs11-pin-shim-<uid>.
 *   SHIM_PINPAD=1         a PIN-pad reader: tokens report PROTECTED_AUTHENTICATION_PATH.
 *   SHIM_PINPAD_PIN_FILE  a file whose first line is what the user types on the keypad (a file:
 *                         a PIN never goes into the environment); missing or empty: Cancel.
 *   SHIM_PINPAD_DELAY_MS  how long the typing takes; default 0.
 *   SHIM_LOGIN_DELAY_MS   how long every C_Login takes before the card answers (a slow card or
 *                         reader; on top of the PIN pad's typing); default 0.
 *   SHIM_CALL_LOG         a file that gets one line per C_Login (with its result), C_GenerateKeyPair,
 *                         C_Logout, C_CloseSession and C_Finalize: "<ms since the epoch> <name>
 *                         <CKR as hex>", written when the call returns. Never a PIN. Default: none.
 *
 * The counters live in one small file per token (named by its serial) under SHIM_STATE_DIR, so
 * they survive the process like a card's do; each read-modify-write holds an exclusive flock(),
 * also across the forwarded C_Login, so two processes (or two threads: flock locks belong to the
 * open file, and each call opens its own) cannot both spend the last try.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <p11-kit/pkcs11.h>

#define DEFAULT_MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define DEFAULT_TRIES 3
#define MAX_PIN 256

enum who { USER = 0, SO = 1 };

static struct {
  unsigned long tries[2]; /* wrong PINs allowed before the lock, user and SO */
  int pinpad;
  char pin_file[4096];    /* what the reader's keypad "types", read at each PIN-pad login */
  unsigned long pinpad_delay_ms;
  unsigned long login_delay_ms;
  char call_log[4096];    /* "" = no log */
  char state_dir[4096];
} cfg;

static void *softhsm;                   /* dlopen handle, kept until the process exits */
static CK_FUNCTION_LIST_PTR real;       /* SoftHSM2's own list */
static CK_FUNCTION_LIST shim;           /* what callers get: SoftHSM2's list with our overrides */

/* ---- configuration ---------------------------------------------------------------------- */

static int env_number(const char *name, unsigned long def, unsigned long min, unsigned long max, unsigned long *out) {
  const char *v = getenv(name);
  if (!v || !*v) {
    *out = def;
    return 0;
  }
  char *end;
  errno = 0;
  unsigned long n = strtoul(v, &end, 10);
  if (errno || *end || n < min || n > max) {
    fprintf(stderr, "pin-shim: %s must be a number from %lu to %lu\n", name, min, max);
    return -1;
  }
  *out = n;
  return 0;
}

static int copy_env(const char *name, const char *def, char *out, size_t size) {
  const char *v = getenv(name);
  if (!v || !*v) v = def;
  if (strlen(v) >= size) {
    fprintf(stderr, "pin-shim: %s is too long\n", name);
    return -1;
  }
  strcpy(out, v);
  return 0;
}

static CK_RV read_config(void) {
  char def_dir[512];
  const char *tmp = getenv("TMPDIR");
  snprintf(def_dir, sizeof def_dir, "%s/pkcs11-pin-shim-%u", tmp && *tmp ? tmp : "/tmp", (unsigned)getuid());
  unsigned long pinpad;
  if (env_number("SHIM_PIN_TRIES", DEFAULT_TRIES, 1, 255, &cfg.tries[USER]) ||
      env_number("SHIM_SO_PIN_TRIES", DEFAULT_TRIES, 1, 255, &cfg.tries[SO]) ||
      env_number("SHIM_PINPAD", 0, 0, 1, &pinpad) ||
      env_number("SHIM_PINPAD_DELAY_MS", 0, 0, 600000, &cfg.pinpad_delay_ms) ||
      env_number("SHIM_LOGIN_DELAY_MS", 0, 0, 600000, &cfg.login_delay_ms) ||
      copy_env("SHIM_CALL_LOG", "", cfg.call_log, sizeof cfg.call_log) ||
      copy_env("SHIM_PINPAD_PIN_FILE", "", cfg.pin_file, sizeof cfg.pin_file) ||
      copy_env("SHIM_STATE_DIR", def_dir, cfg.state_dir, sizeof cfg.state_dir))
    return CKR_ARGUMENTS_BAD;
  cfg.pinpad = (int)pinpad;
  if (mkdir(cfg.state_dir, 0700) != 0 && errno != EEXIST) {
    fprintf(stderr, "pin-shim: cannot create SHIM_STATE_DIR %s: %s\n", cfg.state_dir, strerror(errno));
    return CKR_GENERAL_ERROR;
  }
  return CKR_OK;
}

/* ---- per-token state file ----------------------------------------------------------------- */

struct token {
  int fd;                   /* the locked state file; closing it releases the lock */
  unsigned long wrong[2];   /* wrong PINs since the last right one, user and SO */
  CK_TOKEN_INFO info;       /* SoftHSM2's view, for the PIN length range */
};

/* The file name: the token's serial (unique per SoftHSM2 token, kept when it is re-initialised),
 * restricted to safe characters. */
static void state_path(const CK_TOKEN_INFO *info, char *out, size_t size) {
  char serial[17];
  size_t n = 0;
  for (size_t i = 0; i < sizeof info->serialNumber && info->serialNumber[i] != ' '; i++) {
    unsigned char c = info->serialNumber[i];
    serial[n++] = ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ? (char)c : '_';
  }
  serial[n] = 0;
  snprintf(out, size, "%s/%s.state", cfg.state_dir, n ? serial : "no-serial");
}

/* Opens and locks the slot's token state (exclusive to change it, shared to read it). */
static CK_RV token_open(CK_SLOT_ID slot, int exclusive, struct token *t) {
  CK_RV rv = real->C_GetTokenInfo(slot, &t->info);
  if (rv != CKR_OK) return rv;
  char path[4200];
  state_path(&t->info, path, sizeof path);
  t->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (t->fd < 0 || flock(t->fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (t->fd >= 0) close(t->fd);
    fprintf(stderr, "pin-shim: cannot use state file %s: %s\n", path, strerror(errno));
    return CKR_DEVICE_ERROR;
  }
  char buf[128] = {0};
  ssize_t len = pread(t->fd, buf, sizeof buf - 1, 0);
  t->wrong[USER] = t->wrong[SO] = 0;
  if (len > 0) sscanf(buf, "user %lu so %lu", &t->wrong[USER], &t->wrong[SO]);
  return CKR_OK;
}

static CK_RV token_save(struct token *t) {
  char buf[128];
  int len = snprintf(buf, sizeof buf, "user %lu so %lu\n", t->wrong[USER], t->wrong[SO]);
  if (ftruncate(t->fd, 0) != 0 || pwrite(t->fd, buf, (size_t)len, 0) != len) return CKR_DEVICE_ERROR;
  return CKR_OK;
}

static void token_close(struct token *t) {
  close(t->fd);
}

static int locked(const struct token *t, enum who w) {
  return t->wrong[w] >= cfg.tries[w];
}

/* After a PIN check by SoftHSM2: a wrong PIN counts, a right one clears the count. */
static CK_RV count(struct token *t, enum who w, CK_RV rv) {
  if (rv == CKR_PIN_INCORRECT) t->wrong[w]++;
  else if (rv == CKR_OK) t->wrong[w] = 0;
  else return rv;
  CK_RV saved = token_save(t);
  return saved != CKR_OK ? saved : rv;
}

/* OpenSC refuses a PIN outside the token's length range before the card sees it, so it costs no
 * try; SoftHSM2 would answer CKR_PIN_INCORRECT and, here, be counted. */
static int length_ok(const struct token *t, CK_ULONG len) {
  return len >= t->info.ulMinPinLen && len <= t->info.ulMaxPinLen;
}

/* ---- the PIN pad ---------------------------------------------------------------------------- */

static void sleep_ms(unsigned long ms) {
  struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* What the user types on the keypad: the first line of SHIM_PINPAD_PIN_FILE, read at each login
 * so a test can "type" a wrong PIN next time. A file, not the environment, as PINs never go there. */
static CK_RV keypad_pin(char *pin, CK_ULONG *len) {
  sleep_ms(cfg.pinpad_delay_ms);
  FILE *f = cfg.pin_file[0] ? fopen(cfg.pin_file, "re") : NULL;
  if (!f) return CKR_FUNCTION_CANCELED; /* nobody typed anything: a reader times out like this */
  int ok = fgets(pin, MAX_PIN, f) != NULL;
  fclose(f);
  if (!ok) return CKR_FUNCTION_CANCELED;
  pin[strcspn(pin, "\r\n")] = 0;
  *len = strlen(pin);
  return CKR_OK;
}

/* ---- the call log ------------------------------------------------------------------------ */

/* One line per call, appended with a single write (O_APPEND), so lines from several threads or
 * processes never interleave. What a test reads to know whether a key was generated at all, even
 * one removed again afterwards, and whether the session was logged out and closed. */
static CK_RV logged(const char *name, CK_RV rv) {
  if (!cfg.call_log[0]) return rv;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  char line[128];
  int len = snprintf(line, sizeof line, "%lld %s 0x%lx\n", (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000, name, (unsigned long)rv);
  int fd = open(cfg.call_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) {
    if (write(fd, line, (size_t)len) != len) fprintf(stderr, "pin-shim: cannot write SHIM_CALL_LOG %s\n", cfg.call_log);
    close(fd);
  }
  return rv;
}

static CK_RV shim_GenerateKeyPair(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mech, CK_ATTRIBUTE_PTR pub, CK_ULONG npub,
                                  CK_ATTRIBUTE_PTR priv, CK_ULONG npriv, CK_OBJECT_HANDLE_PTR hpub, CK_OBJECT_HANDLE_PTR hpriv) {
  return logged("C_GenerateKeyPair", real->C_GenerateKeyPair(session, mech, pub, npub, priv, npriv, hpub, hpriv));
}

static CK_RV shim_Logout(CK_SESSION_HANDLE session) {
  return logged("C_Logout", real->C_Logout(session));
}

static CK_RV shim_CloseSession(CK_SESSION_HANDLE session) {
  return logged("C_CloseSession", real->C_CloseSession(session));
}

static CK_RV shim_Finalize(CK_VOID_PTR reserved) {
  return logged("C_Finalize", real->C_Finalize(reserved));
}

/* ---- the overridden entries -------------------------------------------------------------- */

static CK_RV shim_Initialize(CK_VOID_PTR args) {
  CK_RV rv = read_config();
  if (rv != CKR_OK) return rv;
  return real->C_Initialize(args);
}

static void pad(unsigned char *field, size_t size, const char *text) {
  memset(field, ' ', size);
  memcpy(field, text, strlen(text) < size ? strlen(text) : size);
}

/* Says what answers, so a module listing shows the shim rather than plain SoftHSM2. */
static CK_RV shim_GetInfo(CK_INFO_PTR info) {
  CK_RV rv = real->C_GetInfo(info);
  if (rv == CKR_OK) pad(info->libraryDescription, sizeof info->libraryDescription, "PIN shim over SoftHSM2");
  return rv;
}

static CK_FLAGS pin_flags(const struct token *t, enum who w) {
  static const CK_FLAGS flags[2][3] = {
    { CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED },
    { CKF_SO_PIN_COUNT_LOW, CKF_SO_PIN_FINAL_TRY, CKF_SO_PIN_LOCKED },
  };
  unsigned long left = locked(t, w) ? 0 : cfg.tries[w] - t->wrong[w];
  if (left == 0) return flags[w][2];
  if (left == 1) return flags[w][1]; /* with a limit of 1 that is every try, as on cards */
  return t->wrong[w] > 0 ? flags[w][0] : 0;
}

static CK_RV shim_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  if (!info) return real->C_GetTokenInfo(slot, info);
  struct token t;
  CK_RV rv = token_open(slot, 0, &t);
  if (rv != CKR_OK) return rv;
  token_close(&t);
  *info = t.info;
  /* SoftHSM2's own COUNT_LOW (and anything else it may set) gives way to the card's counters. */
  info->flags &= ~(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED |
                   CKF_SO_PIN_COUNT_LOW | CKF_SO_PIN_FINAL_TRY | CKF_SO_PIN_LOCKED);
  if (info->flags & CKF_TOKEN_INITIALIZED) info->flags |= pin_flags(&t, USER) | pin_flags(&t, SO);
  if (cfg.pinpad) info->flags |= CKF_PROTECTED_AUTHENTICATION_PATH;
  return CKR_OK;
}

static CK_RV session_slot(CK_SESSION_HANDLE session, CK_SESSION_INFO *si) {
  return real->C_GetSessionInfo(session, si);
}

/*
 * PIN-pad mode: no PIN (NULL, or length 0 as OpenSC also reads it: pkcs11js 2.1.7 cannot pass
 * NULL, only "") means "use the keypad": after SHIM_PINPAD_DELAY_MS the PIN from the file goes to
 * SoftHSM2, counted like any other. A PIN given by the caller goes to the card as it is, as OpenSC
 * does on a PIN-pad reader when the application supplies one. A locked PIN is refused at once,
 * before the keypad is used.
 */
static CK_RV pin_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  CK_SESSION_INFO si;
  CK_RV rv = session_slot(session, &si);
  if (rv != CKR_OK) return rv;
  enum who w = user == CKU_SO ? SO : USER; /* CKU_CONTEXT_SPECIFIC re-enters the user PIN */
  int keypad = cfg.pinpad && (pin == NULL || len == 0);
  struct token t;
  rv = token_open(si.slotID, 1, &t);
  if (rv != CKR_OK) return rv;
  char typed[MAX_PIN];
  if (locked(&t, w)) {
    rv = CKR_PIN_LOCKED;
  } else if (keypad && (rv = keypad_pin(typed, &len)) != CKR_OK) {
    /* Cancel on the reader: nothing reaches the card */
  } else {
    if (keypad) pin = (CK_UTF8CHAR_PTR)typed;
    if (pin != NULL && !length_ok(&t, len)) rv = CKR_PIN_LEN_RANGE;
    else rv = count(&t, w, real->C_Login(session, user, pin, len));
  }
  token_close(&t);
  memset(typed, 0, sizeof typed);
  return rv;
}

/* A slow card: SHIM_LOGIN_DELAY_MS before anything else (outside the state file's lock). */
static CK_RV shim_Login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  sleep_ms(cfg.login_delay_ms);
  return logged("C_Login", pin_login(session, user, pin, len));
}

/* Whose PIN C_SetPIN changes follows the session: the SO's when the SO is logged in, else the
 * user's. The old PIN is checked by SoftHSM2, so a wrong one counts as at login. */
static CK_RV shim_SetPIN(CK_SESSION_HANDLE session, CK_UTF8CHAR_PTR old_pin, CK_ULONG old_len, CK_UTF8CHAR_PTR new_pin, CK_ULONG new_len) {
  CK_SESSION_INFO si;
  CK_RV rv = session_slot(session, &si);
  if (rv != CKR_OK) return rv;
  enum who w = si.state == CKS_RW_SO_FUNCTIONS ? SO : USER;
  struct token t;
  rv = token_open(si.slotID, 1, &t);
  if (rv != CKR_OK) return rv;
  if (locked(&t, w)) rv = CKR_PIN_LOCKED;
  else if (old_pin != NULL && !length_ok(&t, old_len)) rv = CKR_PIN_LEN_RANGE;
  else rv = count(&t, w, real->C_SetPIN(session, old_pin, old_len, new_pin, new_len));
  token_close(&t);
  return rv;
}

/* The SO sets a new user PIN: this is how a card's PUK unblocks it. */
static CK_RV shim_InitPIN(CK_SESSION_HANDLE session, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  CK_SESSION_INFO si;
  CK_RV rv = session_slot(session, &si);
  if (rv != CKR_OK) return rv;
  struct token t;
  rv = token_open(si.slotID, 1, &t);
  if (rv != CKR_OK) return rv;
  rv = real->C_InitPIN(session, pin, len);
  if (rv == CKR_OK) {
    t.wrong[USER] = 0;
    rv = token_save(&t);
  }
  token_close(&t);
  return rv;
}

/* Re-initialising an initialised token checks its SO PIN (counted); a new token starts afresh. */
static CK_RV shim_InitToken(CK_SLOT_ID slot, CK_UTF8CHAR_PTR so_pin, CK_ULONG len, CK_UTF8CHAR_PTR label) {
  struct token t;
  CK_RV rv = token_open(slot, 1, &t);
  if (rv != CKR_OK) return rv;
  int initialized = (t.info.flags & CKF_TOKEN_INITIALIZED) != 0;
  if (initialized && locked(&t, SO)) {
    rv = CKR_PIN_LOCKED;
  } else {
    rv = real->C_InitToken(slot, so_pin, len, label);
    if (rv == CKR_PIN_INCORRECT && initialized) {
      rv = count(&t, SO, rv);
    } else if (rv == CKR_OK) {
      t.wrong[USER] = t.wrong[SO] = 0;
      rv = token_save(&t);
    }
  }
  token_close(&t);
  return rv;
}

/* ---- loading SoftHSM2 -------------------------------------------------------------------- */

static CK_RV shim_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list);

/* Done at the first C_GetFunctionList (callers ask for the list before C_Initialize), so
 * SHIM_SOFTHSM_MODULE is read then; the rest of the configuration at each C_Initialize. */
static CK_RV load_softhsm_once(void) {
  if (real) return CKR_OK;
  const char *path = getenv("SHIM_SOFTHSM_MODULE");
  if (!path || !*path) path = DEFAULT_MODULE;
  softhsm = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!softhsm) {
    fprintf(stderr, "pin-shim: cannot load %s: %s\n", path, dlerror());
    return CKR_GENERAL_ERROR;
  }
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(softhsm, "C_GetFunctionList");
  CK_FUNCTION_LIST_PTR list = NULL;
  CK_RV rv = get ? get(&list) : CKR_GENERAL_ERROR;
  if (rv != CKR_OK || !list) {
    fprintf(stderr, "pin-shim: %s has no usable C_GetFunctionList\n", path);
    return CKR_GENERAL_ERROR;
  }
  real = list;
  shim = *list; /* every entry forwards straight to SoftHSM2 ... */
  shim.C_Initialize = shim_Initialize; /* ... except these */
  shim.C_GetInfo = shim_GetInfo;
  shim.C_GetFunctionList = shim_GetFunctionList;
  shim.C_GetTokenInfo = shim_GetTokenInfo;
  shim.C_InitToken = shim_InitToken;
  shim.C_InitPIN = shim_InitPIN;
  shim.C_SetPIN = shim_SetPIN;
  shim.C_Login = shim_Login;
  shim.C_GenerateKeyPair = shim_GenerateKeyPair;
  shim.C_Logout = shim_Logout;
  shim.C_CloseSession = shim_CloseSession;
  shim.C_Finalize = shim_Finalize;
  return CKR_OK;
}

static CK_RV load_softhsm(void) {
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_lock(&lock);
  CK_RV rv = load_softhsm_once();
  pthread_mutex_unlock(&lock);
  return rv;
}

static CK_RV shim_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (!list) return CKR_ARGUMENTS_BAD;
  CK_RV rv = load_softhsm();
  if (rv != CKR_OK) return rv;
  *list = &shim;
  return CKR_OK;
}

/* The only exported symbol. */
__attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  return shim_GetFunctionList(list);
}
