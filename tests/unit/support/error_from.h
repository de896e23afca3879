#pragma once
// Inspecting the cadenza::Error a call throws. Needs only domain/, so tests of every layer use it.
#include <gtest/gtest.h>

#include "domain/error.h"

namespace cadenza::test_support {

// Runs `fn`, which must throw cadenza::Error, and returns that error for inspection (failing
// the test when it throws none).
template <class Fn>
Error ErrorFrom(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a cadenza::Error";
  return Error(ErrorCode::kInternal, "no error thrown");
}

}  // namespace cadenza::test_support
