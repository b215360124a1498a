/*
 * util/xml.h: XML documents written from a JSON tree, by the "Spark convention".
 *
 * Formats that exist as JSON and XML twins (Open311 GeoReport v2 among them) define the
 * JSON as a mechanical mapping of the XML: the root element is dropped, a container of
 * repeated elements becomes an array, and text stays text. This module goes the other way,
 * so a handler builds one tree and renders either form:
 *   - an object member becomes an element named after its key;
 *   - an array under key K becomes <K> holding one element per item, named by the singular
 *     of K: a trailing "s" dropped ("services" -> "service"), with the exceptions
 *     "service_requests" -> "request" and "service_request_updates" -> "request_update";
 *     a key without a trailing "s" repeats itself (<media_url><media_url>..);
 *   - null becomes an empty element, booleans "true"/"false", numbers their decimal text.
 * Text is escaped (& < > " '), carriage returns kept as &#13;, and characters XML 1.0
 * cannot carry (C0 controls other than tab, LF and CR) are written as U+FFFD.
 *
 * Stateless and thread-safe; output lives in the caller's arena.
 */
#ifndef FC_UTIL_XML_H
#define FC_UTIL_XML_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/* Whether s is usable as an element name here: [A-Za-z_][A-Za-z0-9_.-]*. */
bool xml_name_is_valid(const char *s);

/* The element name for the items of an array held under `key` (see above), into buf. */
const char *xml_item_name(const char *key, char *buf, size_t cap);

/*
 * Renders `doc` (an object or an array) under the element `root`, with the XML
 * declaration first. Items of a top-level array are named `item` (NULL: the singular of
 * root). Returns NUL-terminated text in `a` with its length in *len, or NULL when a key is
 * not a valid element name, the tree holds an unsupported value, or the arena is full.
 */
char *xml_spark_render(const json_t *doc, const char *root, const char *item, struct arena *a,
                       size_t *len);

#endif
