/* SPDX-License-Identifier: MIT */
#ifndef ACCORD_UTIL_H
#define ACCORD_UTIL_H

#include <stddef.h>

/* Formats a reason into err (always NUL-terminated when errlen > 0). */
void seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
