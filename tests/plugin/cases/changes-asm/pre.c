#include "kmacros.h"

void fence(void) { asm volatile("mfence" ::: "memory"); }
void tag(void) { asm volatile(".pushsection .discard.tag\n.long %c0\n.popsection" :: "i" (42)); }
void flag_warn(int x) { WARN_ON(x > 3); }
void keep(void) { asm volatile("lfence" ::: "memory"); }
