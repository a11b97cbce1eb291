#pragma once
// What the storage's own threads do first: take a name and, in the background, step aside.

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

namespace joldama::storage {

// Names the calling thread for ps, perf and gdb (at most 15 characters) and, when `nice` is
// above 0, lowers its priority by that much, so that the threads answering requests go first.
inline void name_this_thread(char const* name, int nice) {
  pthread_setname_np(pthread_self(), name);
  if (nice > 0) (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice);
}

}  // namespace joldama::storage
