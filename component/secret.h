/*
 * secret.h: secrets read from files (plugin keys such as a Jitsi JWT
 * secret or a BigBlueButton shared secret).
 *
 * A secret file must be a regular file (not a symbolic link) with no group
 * or other permission bit set ("chmod 600"); its content, without trailing
 * white space, is the secret: 1 to SECRET_MAX bytes of text. Secrets are
 * wiped from memory when freed and never logged.
 */
#ifndef ACCUEIL_SECRET_H
#define ACCUEIL_SECRET_H

#include <stddef.h>

#define SECRET_MAX 4096

/*
 * Reads the secret in path. Returns ACCUEIL_OK and sets *secret (free it
 * with secret_free) and *len, or ACCUEIL_EIO (cannot open or read) or
 * ACCUEIL_EINVAL (not a regular file, readable by group or others, empty,
 * too long, or holding a NUL byte) with *why set to a message naming the
 * file and the fix (caller frees with free()).
 */
int secret_read_file(const char *path, char **secret, size_t *len,
    char **why);

/* Wipes and frees a secret from secret_read_file. NULL is fine. */
void secret_free(char *secret);

#endif
