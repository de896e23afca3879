#pragma once
// Inspecting the cadenza::Error a call throws. Needs only domain/, so tests of every layer use it.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

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

// Expects `fn` to throw cadenza::Error with `code` and exactly the message `what`; `context`
// names the case in a failure.
template <class Fn>
void ExpectError(Fn&& fn, ErrorCode code, std::string_view what, const std::string& context) {
  try {
    fn();
    ADD_FAILURE() << context << ": accepted, no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << context;
    EXPECT_EQ(std::string_view(e.what()), what) << context;
  }
}

}  // namespace cadenza::test_support
