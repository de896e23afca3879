#pragma once
// Hops from an I/O coroutine to the blocking-work pool and back.
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cadenza::http {

// Runs `fn` on `pool` and resumes the awaiting coroutine on its own executor with fn's
// result; an exception thrown by `fn` is rethrown in the awaiting coroutine. The I/O thread is
// free while `fn` runs. `fn` may refer to the caller's locals: the caller is suspended until
// it has returned.
template <class Fn>
boost::asio::awaitable<std::invoke_result_t<Fn&>> RunBlocking(boost::asio::thread_pool& pool,
                                                                Fn fn) {
  using Result = std::invoke_result_t<Fn&>;
  co_return co_await boost::asio::co_spawn(
      pool.get_executor(),
      [fn = std::move(fn)]() mutable -> boost::asio::awaitable<Result> { co_return fn(); },
      boost::asio::use_awaitable);
}

}  // namespace cadenza::http
