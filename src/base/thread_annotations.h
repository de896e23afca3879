#pragma once
// Clang's thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html).
// Built with clang and -Wthread-safety, touching a GUARDED_BY member without its mutex, or
// calling a REQUIRES function without holding it, is a compile error; other compilers ignore
// them. Use them with base/mutex.h: std::mutex itself carries no annotations in libstdc++.
#if defined(__clang__)
#define THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define THREAD_ANNOTATION_(x)
#endif

// A class that is a lock (Mutex) or holds one for a scope (MutexLock).
#define CAPABILITY(name) THREAD_ANNOTATION_(capability(name))
#define SCOPED_CAPABILITY THREAD_ANNOTATION_(scoped_lockable)

// A member that may be read or written only while the named mutex is held.
#define GUARDED_BY(mutex) THREAD_ANNOTATION_(guarded_by(mutex))
// A pointer member whose pointee is guarded by the named mutex.
#define PT_GUARDED_BY(mutex) THREAD_ANNOTATION_(pt_guarded_by(mutex))

// A function that the caller must call with (REQUIRES) or without (EXCLUDES) the mutex held.
#define REQUIRES(...) THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))

// A function that takes (ACQUIRE) or gives up (RELEASE) the mutex for its caller.
#define ACQUIRE(...) THREAD_ANNOTATION_(acquire_capability(__VA_ARGS__))
#define RELEASE(...) THREAD_ANNOTATION_(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) THREAD_ANNOTATION_(try_acquire_capability(__VA_ARGS__))

// Turns the analysis off for one function; say why next to it.
#define NO_THREAD_SAFETY_ANALYSIS THREAD_ANNOTATION_(no_thread_safety_analysis)
