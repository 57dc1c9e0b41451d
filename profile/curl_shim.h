/* curl_shim.h — libcurl, opened when a profile is first read from a URL (curl_shim.c). */
#ifndef ESC_CURL_SHIM_H
#define ESC_CURL_SHIM_H

#include "common/err.h"

/* Loads libcurl; ESC_EINPUT, saying what to install, when it cannot be. */
enum esc_status curl_shim_load(struct err *e);

#endif
