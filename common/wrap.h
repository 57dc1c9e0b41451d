/* wrap.h — ESC_WRAPS marks a function whose unsigned arithmetic wraps on purpose (hash
 * mixing, a xorshift generator). Unsigned wrap-around is defined in C, but clang's
 * -fsanitize=integer reports it so that a size computation that wraps by mistake shows;
 * the mark exempts only the function it is on. Other compilers ignore it. */
#ifndef ESC_WRAP_H
#define ESC_WRAP_H

#if defined(__clang__)
#define ESC_WRAPS __attribute__((no_sanitize("unsigned-integer-overflow", "unsigned-shift-base")))
#else
#define ESC_WRAPS
#endif

#endif
