/* empty.c: keeps a library target valid while its folder has no sources yet. */
typedef int presim_empty_unit;
