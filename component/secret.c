/*
 * secret.c: reading secret files with permission checks.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "secret.h"
#include "util.h"

int
secret_read_file(const char *path, char **secret, size_t *len, char **why)
{
	char buf[SECRET_MAX + 2];
	struct stat st;
	ssize_t n;
	int fd, r;

	*secret = NULL;
	*len = 0;
	*why = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		*why = xasprintf("secret file %s: %s", path, strerror(errno));
		return ACCUEIL_EIO;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why = xasprintf("secret file %s: not a regular file", path);
		r = ACCUEIL_EINVAL;
		goto done_fd;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		*why = xasprintf("secret file %s is accessible to group or "
		    "others (mode %03o): run chmod 600 %s", path,
		    (unsigned)(st.st_mode & 0777), path);
		r = ACCUEIL_EINVAL;
		goto done_fd;
	}
	if ((n = read(fd, buf, sizeof(buf) - 1)) < 0) {
		*why = xasprintf("secret file %s: %s", path, strerror(errno));
		r = ACCUEIL_EIO;
		goto done_fd;
	}
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	if (n == 0 || n > SECRET_MAX || strlen(buf) != (size_t)n) {
		*why = xasprintf("secret file %s: expected 1 to %d bytes of "
		    "text", path, SECRET_MAX);
		r = ACCUEIL_EINVAL;
		goto done_buf;
	}
	*secret = xstrdup(buf);
	*len = (size_t)n;
	r = ACCUEIL_OK;

done_buf:
	explicit_bzero(buf, sizeof(buf));
done_fd:
	close(fd);
	return r;
}

void
secret_free(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}
