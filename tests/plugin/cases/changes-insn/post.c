#include "kmacros.h"

int add_fee(int x) { return x + 2; }
int double_it(int x) { return x * 2; }
