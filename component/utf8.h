/*
 * utf8.h: kept for the callers of utf8_valid() and UTF8_CONT(), which now
 * live in text.c with the rest of the UTF-8 code (see text.h). New code
 * includes text.h.
 */
#ifndef ACCUEIL_UTF8_H
#define ACCUEIL_UTF8_H

#include "text.h"

#endif
