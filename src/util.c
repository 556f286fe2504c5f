#include "consentgen/util.h"
