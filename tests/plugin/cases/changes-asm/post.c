#include "kmacros.h"
#undef WARN_ON
#define WARN_ON(cond) ({ int __ret = !!(cond); if (__ret) asm volatile("1: ud2\n.pushsection __bug_table,\"aw\"\n.long 1b - ., %c0 - .\n.word %c1, %c2\n.popsection" : : "i" (__FILE__), "i" (__LINE__), "i" (1 << 10)); __ret; })

void fence(void) { asm volatile("sfence" ::: "memory"); }
void tag(void) { asm volatile(".pushsection .discard.tag\n.long %c0\n.popsection" :: "i" (43)); }
void flag_warn(int x) { WARN_ON(x > 3); }
void keep(void) { asm volatile("lfence" ::: "memory"); }
