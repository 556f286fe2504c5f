#include "consentgen/config.h"
