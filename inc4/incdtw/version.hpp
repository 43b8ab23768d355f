#pragma once
/// incdtw version; CMake reads these three lines, so keep their form.
#define INCDTW_VERSION_MAJOR 0
#define INCDTW_VERSION_MINOR 1
#define INCDTW_VERSION_PATCH 0
#define INCDTW_VERSION_STRING "0.1.0"
