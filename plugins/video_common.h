/*
 * video_common.h: small helpers the video provider plugins share (header
 * only: plugins reach the core through the host table, not its symbols).
 */
#ifndef ACCUEIL_VIDEO_COMMON_H
#define ACCUEIL_VIDEO_COMMON_H

/*
 * 1 if s is a usable room-name prefix: at most 32 of [a-z0-9_-], which
 * every provider keeps as is in a room or meeting name.
 */
static inline int
video_prefix_valid(const char *s)
{
	unsigned n = 0;

	for (; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '_'))
			return 0;
	return n <= 32;
}

#endif
