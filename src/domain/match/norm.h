/*
 * domain/match/norm.h: the normalisers and string comparisons of person matching.
 *
 * Owns the turning of identifiers as typed (names, dates of birth, phones, postcodes,
 * addresses) into comparable keys, and the primitive comparisons (Jaro-Winkler, Double
 * Metaphone, nickname tables). Pure functions over caller buffers; the tables (nicknames,
 * address abbreviations, postcodes) are loaded once from embedded assets on first use and
 * are read-only afterwards, so every function here is safe to call from any thread.
 */
#ifndef FC_DOMAIN_MATCH_NORM_H
#define FC_DOMAIN_MATCH_NORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- names (normalise_name.c) ---- */

#define NAME_MAX_TOKENS 8
#define NAME_TOKEN_LEN 32

/* Folds a name to lower-case ASCII letters and single spaces: ICU "Any-Latin; Latin-ASCII"
 * for non-ASCII text, apostrophes dropped ("O'Neil" -> "oneil"), other punctuation and
 * hyphens become spaces. Writes at most cap-1 bytes and a NUL; returns the length. */
size_t name_fold(const char *in, char *out, size_t cap);

/* True for a title or honorific ("mr", "mrs", "dr", "sir", ...) that is not part of a name. */
bool name_is_title(const char *token);

/* A person name split into normalised tokens (titles removed). */
struct name_norm {
    char fore[NAME_TOKEN_LEN];                  /* first forename, "" if none */
    size_t n_middles;
    char middles[NAME_MAX_TOKENS][NAME_TOKEN_LEN];
    size_t n_surs;                              /* surname tokens (double-barrelled: 2) */
    char surs[NAME_MAX_TOKENS][NAME_TOKEN_LEN];
};

/* Normalises separate forename and surname fields. The forename field may hold middle names
 * ("Richard Paul"); a hyphenated or double-barrelled surname gives several surname tokens. */
void name_normalise(const char *forename, const char *surname, struct name_norm *out);

/* Normalises a one-field rendering: "SURNAME, Forename Middle" when it holds a comma,
 * otherwise "Forename Middle Surname". */
void name_normalise_full(const char *full, struct name_norm *out);

/* ---- phonetic codes (phonetic.c) ---- */

#define DMETAPHONE_LEN 4

/* Double Metaphone (Lawrence Philips, C/C++ Users Journal, June 2000) of a lower- or
 * upper-case ASCII word: primary and alternate codes of at most DMETAPHONE_LEN characters
 * (each buffer needs DMETAPHONE_LEN + 1 bytes). The alternate equals the primary when the
 * word has no alternate pronunciation. */
void dmetaphone(const char *word, char *primary, char *alternate);

/* ---- string similarity (jaro.c) ---- */

/* Jaro similarity in [0,1] of two byte strings. */
double jaro(const char *a, const char *b);
/* Jaro-Winkler similarity (prefix scale 0.1, prefix of at most 4). */
double jaro_winkler(const char *a, const char *b);
/* Damerau (optimal string alignment) edit distance, capped at `cap` (returns cap + 1 when
 * larger). */
int edit_distance(const char *a, const char *b, int cap);

/* ---- nicknames and spelling variants (nickname.c) ---- */

enum name_relation { NAME_REL_NONE, NAME_REL_SPELLING, NAME_REL_NICKNAME };

/* How two folded forenames relate through the embedded tables (data/names): a nickname or
 * short form (either direction, or both short forms of one formal name), a spelling
 * variant, or none. */
enum name_relation nickname_relation(const char *a, const char *b);

/* Lists the names related to a folded forename (nickname or spelling), including the other
 * short forms of its formal names: pointers into the embedded table, at most max. */
size_t nickname_related(const char *name, const char **out, enum name_relation *kinds,
                        size_t max);

/* Copies into out the formal name the folded forename is a known short form of (the
 * first in table order), or returns false when it is not a short form. */
bool nickname_formal(const char *name, char *out, size_t cap);

/* True when two folded surnames are listed as variants (data/names surname variants). */
bool surname_variant(const char *a, const char *b);

/* ---- phones (phone.c) ---- */

/* Normalises a UK phone number as typed to E.164 ("+447700900123") in out (>= 16 bytes).
 * Returns false, with out = "", for empty, withheld, unknown, all-zero or malformed values. */
bool phone_normalise(const char *raw, char *out, size_t cap);
/* True when an E.164 UK number is a mobile (+447...). */
bool phone_is_mobile(const char *e164);

/* ---- postcodes (postcode.c) ---- */

enum postcode_level { POSTCODE_NONE, POSTCODE_AREA, POSTCODE_DISTRICT, POSTCODE_SECTOR,
                      POSTCODE_UNIT };

struct postcode {
    enum postcode_level level; /* how much of it was given and valid */
    char unit[9];              /* "LE1 1AA" (only at POSTCODE_UNIT) */
    char sector[7];            /* "LE1 1" */
    char district[5];          /* "LE1" */
    char area[3];              /* "LE" */
};

/* Parses a UK postcode as typed (any case, spaces optional, outward code alone allowed).
 * Common keying slips in the inward code (O for 0, I for 1) are repaired. Returns the level
 * reached (POSTCODE_NONE for empty or invalid input). */
enum postcode_level postcode_parse(const char *raw, struct postcode *out);

/* Coordinates of a unit postcode from the embedded LE table; false when unknown. */
bool postcode_coords(const char *unit, double *lat, double *lon);

/* Great-circle distance in metres. */
double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/* ---- dates of birth (dob.c) ---- */

enum dob_status { DOB_MISSING, DOB_OK, DOB_PLACEHOLDER };

/* Parses a date of birth as typed: YYYY-MM-DD, DD/MM/YYYY, D/M/YYYY, DD-MM-YYYY, DD.MM.YYYY,
 * DD/MM/YY, DDMMYYYY, YYYYMMDD, "14 Jul 1980", "14 July 1980", "14-JUL-1980". Two-digit
 * years are placed in the century that makes the person 0-109 years old in `ref_year`.
 * Placeholders (1900-01-01, 01/01/1901, 1111-11-11, years before 1900) give DOB_PLACEHOLDER.
 * On DOB_OK *out is packed as YYYYMMDD. */
enum dob_status dob_parse(const char *raw, int ref_year, int32_t *out);

/* ---- addresses (address.c) ---- */

#define ADDR_MAX_TOKENS 12

struct address_norm {
    char flat[12];     /* "2", "b", "" if none */
    char number[12];   /* house number incl. suffix: "10b", "" if none */
    char building[40]; /* house name, e.g. "rose cottage" */
    size_t n_street;   /* street tokens, abbreviations expanded: "park", "close" */
    char street[ADDR_MAX_TOKENS][24];
    char street_key[64];  /* street tokens joined by spaces */
};

/* Parses the first line(s) of an address as typed: flat / house number / house name,
 * street with abbreviations expanded ("Rd" -> "road", "St" -> "street" or "saint" by
 * position). Locality and town parts after the first comma-separated street are ignored. */
void address_parse(const char *raw, struct address_norm *out);

/* Expands one folded address token ("rd" -> "road"); returns the token itself when it is
 * not an abbreviation. */
const char *address_expand(const char *token, bool is_last);

/* ---- emails ---- */

/* Lower-cases and trims an email; returns false (out = "") when it has no '@'. */
bool email_normalise(const char *raw, char *out, size_t cap);

#endif
