/*
 * The embedded index's FTS5 tokenizer "yuqing", a SQLite loadable extension.
 *
 * It splits text as tracker/index/text.py does in Python (a test compares the two on the
 * real texts in the shared datasets), so that Python no longer has to write every document out
 * as space-separated tokens before SQLite reads it again (that was the larger part of the
 * Python time of a bulk load):
 *
 *   - full-width ASCII is folded to half-width (U+3000 to a space) and text is lower-cased
 *     (str.lower(), one character at a time: U+0130 becomes "i", and a Greek final sigma
 *     is always the ordinary one, so that a term typed either way matches);
 *   - a run of characters that are not word characters (Python's \w: str.isalnum() or "_";
 *     underscores count as separators) is one separator token, U+E000;
 *   - every Chinese character (and Japanese kana) is a token of its own;
 *   - a run of other word characters (letters, digits) is one token.
 *
 * In a query (FTS5_TOKENIZE_QUERY) plain spaces are ignored: the Python side writes a term
 * as its tokens joined by spaces, with U+E000 standing for a separator.
 *
 * Entry point: sqlite3_yuqing_init (load it with SELECT load_extension(path, that name)).
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#include <stdlib.h>
#include <string.h>

#include "unicode_tables.h"

#define SEP_CP 0xE000

static int in_ranges(const unsigned int (*table)[2], int count, unsigned int cp) {
    int lo = 0, hi = count - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (cp < table[mid][0]) hi = mid - 1;
        else if (cp > table[mid][1]) lo = mid + 1;
        else return 1;
    }
    return 0;
}

static unsigned int to_lower(unsigned int cp) {
    int lo = 0, hi = YQ_LOWER_COUNT - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (cp < yq_lower[mid][0]) hi = mid - 1;
        else if (cp > yq_lower[mid][0]) lo = mid + 1;
        else return yq_lower[mid][1];
    }
    return cp;
}

/* Characters that are tokens on their own (text.py's _SINGLE). */
static int is_single(unsigned int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x3040 && cp <= 0x309F) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x2FFFF);
}

/* Character classes after folding. */
enum { C_SEP = 0, C_SINGLE = 1, C_WORD = 2 };

/* Decode one UTF-8 character at p (n bytes left); an invalid byte reads as U+FFFD. */
static int decode(const unsigned char *p, int n, unsigned int *out) {
    unsigned int c = p[0];
    if (c < 0x80) { *out = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF && n >= 2 && (p[1] & 0xC0) == 0x80) {
        *out = ((c & 0x1F) << 6) | (p[1] & 0x3F); return 2;
    }
    if (c >= 0xE0 && c <= 0xEF && n >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        unsigned int v = ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        if (v >= 0x800) { *out = v; return 3; }
    }
    if (c >= 0xF0 && c <= 0xF4 && n >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
        (p[3] & 0xC0) == 0x80) {
        unsigned int v = ((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) |
                         (p[3] & 0x3F);
        if (v >= 0x10000 && v <= 0x10FFFF) { *out = v; return 4; }
    }
    *out = 0xFFFD;
    return 1;
}

static int encode(unsigned int cp, char *out) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F)); return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Fold one character (width, then case) and classify it. */
static int classify(unsigned int *cp) {
    unsigned int c = *cp;
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') { *cp = c + 32; return C_WORD; }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return C_WORD;
        return C_SEP; /* includes "_" */
    }
    if (is_single(c)) {
        /* a few code points in these blocks are unassigned or marks: not word characters */
        return in_ranges(yq_alnum, YQ_ALNUM_COUNT, c) ? C_SINGLE : C_SEP;
    }
    if (c >= 0xFF01 && c <= 0xFF5E) {
        c -= 0xFEE0;
        *cp = c;
        return classify(cp);
    }
    if (c == 0x3000) return C_SEP;
    c = to_lower(c);
    if (c == 0x3C2) c = 0x3C3; /* final sigma: str.lower() picks it by context */
    *cp = c;
    if (c < 0x80) return classify(cp); /* U+0130 and the Kelvin sign fold to ASCII */
    return in_ranges(yq_alnum, YQ_ALNUM_COUNT, c) ? C_WORD : C_SEP;
}

typedef struct {
    int unused;
} YqTokenizer;

static int yq_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out) {
    (void)ctx; (void)argv; (void)argc;
    YqTokenizer *t = sqlite3_malloc(sizeof(YqTokenizer));
    if (t == NULL) return SQLITE_NOMEM;
    memset(t, 0, sizeof(*t));
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void yq_delete(Fts5Tokenizer *t) { sqlite3_free(t); }

static int yq_tokenize(Fts5Tokenizer *tokenizer, void *ctx, int flags, const char *text,
                       int n_text,
                       int (*emit)(void *, int, const char *, int, int, int)) {
    (void)tokenizer;
    static const char sep[3] = {(char)0xEE, (char)0x80, (char)0x80};
    const unsigned char *p = (const unsigned char *)text;
    int query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    char stack[256];
    char *buf = stack;
    int cap = (int)sizeof(stack);
    int rc = SQLITE_OK;
    int i = 0;
    while (i < n_text && rc == SQLITE_OK) {
        unsigned int cp;
        int len = decode(p + i, n_text - i, &cp);
        int cls = classify(&cp);
        int start = i;
        if (cls == C_SEP) {
            int spaces_only = 1;
            while (i < n_text) {
                unsigned int c2;
                int l2 = decode(p + i, n_text - i, &c2);
                if (c2 != ' ') {
                    if (classify(&c2) != C_SEP) break;
                    spaces_only = 0;
                }
                i += l2;
            }
            if (!(query && spaces_only))
                rc = emit(ctx, 0, sep, 3, start, i);
        } else if (cls == C_SINGLE) {
            char one[4];
            int m = encode(cp, one);
            i += len;
            rc = emit(ctx, 0, one, m, start, i);
        } else {
            int used = 0;
            for (;;) {
                if (used + 4 > cap) {
                    int want = cap * 2;
                    char *bigger = sqlite3_malloc(want);
                    if (bigger == NULL) { rc = SQLITE_NOMEM; break; }
                    memcpy(bigger, buf, used);
                    if (buf != stack) sqlite3_free(buf);
                    buf = bigger;
                    cap = want;
                }
                used += encode(cp, buf + used);
                i += len;
                if (i >= n_text) break;
                len = decode(p + i, n_text - i, &cp);
                if (classify(&cp) != C_WORD) break;
            }
            if (rc == SQLITE_OK) rc = emit(ctx, 0, buf, used, start, i);
        }
    }
    if (buf != stack) sqlite3_free(buf);
    return rc;
}

static fts5_api *fts5_api_from_db(sqlite3 *db) {
    fts5_api *api = 0;
    sqlite3_stmt *stmt = 0;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, 0) == SQLITE_OK) {
        sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    return api;
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_yuqing_init(sqlite3 *db, char **error, const sqlite3_api_routines *api_routines) {
    static fts5_tokenizer tokenizer = {yq_create, yq_delete, yq_tokenize};
    SQLITE_EXTENSION_INIT2(api_routines);
    fts5_api *api = fts5_api_from_db(db);
    if (api == NULL || api->iVersion < 2) {
        *error = sqlite3_mprintf("the yuqing tokenizer needs SQLite with FTS5");
        return SQLITE_ERROR;
    }
    return api->xCreateTokenizer(api, "yuqing", NULL, &tokenizer, NULL);
}
