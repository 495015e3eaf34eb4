// SPDX-License-Identifier: MIT
#include "util.h"

#include <stdarg.h>
#include <stdio.h>

void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
