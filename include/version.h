/* version: hashtrack's own version, for --version, User-Agent and reports. */
#ifndef HASHTRACK_VERSION_H
#define HASHTRACK_VERSION_H

#define HASHTRACK_VERSION "0.1.0"

#endif
