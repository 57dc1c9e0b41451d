/* paths.h — the few questions escprof asks of a path string, answered one way everywhere.
 * Profiles may carry Windows paths, so '\\' separates components as '/' does. */
#ifndef ESC_PATHS_H
#define ESC_PATHS_H

/* The last component of path (borrowed from it); path itself when it ends in a
 * separator or has none. */
const char *path_base(const char *path);

/* Whether path ends with suffix by whole components: "main.go" matches "/src/x/main.go"
 * and "x/main.go", "in.go" does not; an absolute suffix must be the whole path. */
int path_has_suffix(const char *path, const char *suffix);

/* Whether path names something that exists (a file argument rather than a stored name). */
int path_exists(const char *path);

#endif
