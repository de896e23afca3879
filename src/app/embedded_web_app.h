#pragma once
// The web app compiled into the binary: a table generated at build time by
// cmake/web_assets.cmake (empty when the build had no web app).
#include <span>

#include "http/static_assets.h"

namespace cadenza::app {

std::span<const http::EmbeddedFile> EmbeddedWebApp();

}  // namespace cadenza::app
