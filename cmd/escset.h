/* escset.h — the former name of a build's escape set, now classify's (classify_escset_*
 * in classify/classify.h); kept for the commands that still spell it the old way. */
#ifndef ESC_ESCSET_H
#define ESC_ESCSET_H

#include "classify/classify.h"

#define escset classify_escset
#define escset_load classify_escset_load
#define escset_release classify_escset_release

#endif
