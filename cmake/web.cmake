# The web app (web/): built with npm into ${CMAKE_BINARY_DIR}/web-dist, staged with .gz/.br
# siblings into ${CMAKE_BINARY_DIR}/web-static, and embedded in the binary as the library
# cadenza_web_app (see src/app/embedded_web_app.h).
#   CADENZA_WEB=OFF          embed nothing (GET / answers that the build has no web app)
#   CADENZA_WEB_DIST=<dir>   embed this built web app instead of running npm
option(CADENZA_WEB "Build the web app with npm and embed it in the binary" ON)
set(CADENZA_WEB_DIST "" CACHE PATH "A built web app folder to embed instead of building web/ with npm")

enable_language(ASM)

set(web_generated ${CMAKE_BINARY_DIR}/generated/web)
set(web_outputs ${web_generated}/web_app_files.s ${web_generated}/web_app_table.cc)
set(web_stage ${CMAKE_BINARY_DIR}/web-static)
set(web_stage_script ${CMAKE_SOURCE_DIR}/cmake/web_assets.cmake)

if(CADENZA_WEB_DIST OR CADENZA_WEB)
  find_program(CADENZA_GZIP gzip)
  find_program(CADENZA_BROTLI brotli)
  if(NOT CADENZA_GZIP OR NOT CADENZA_BROTLI)
    message(FATAL_ERROR "gzip and brotli are needed to precompress the web app "
                        "(Debian packages gzip and brotli), or configure with -DCADENZA_WEB=OFF")
  endif()
endif()

if(CADENZA_WEB_DIST)
  get_filename_component(web_dist "${CADENZA_WEB_DIST}" ABSOLUTE BASE_DIR "${CMAKE_BINARY_DIR}")
  if(NOT EXISTS "${web_dist}/index.html")
    message(FATAL_ERROR "CADENZA_WEB_DIST=${CADENZA_WEB_DIST} has no index.html: it must be a built web app")
  endif()
  if(web_dist STREQUAL web_stage)
    message(FATAL_ERROR "CADENZA_WEB_DIST must not be ${web_stage}: the build empties and refills that folder")
  endif()
  # CONFIGURE_DEPENDS: a file added or removed (a new hash) re-runs the glob at build time.
  file(GLOB_RECURSE web_inputs CONFIGURE_DEPENDS "${web_dist}/*")
  set(web_build_commands "")
  set(web_comment "Embedding the web app from ${web_dist}")
elseif(CADENZA_WEB)
  find_program(CADENZA_NPM npm)
  if(NOT CADENZA_NPM)
    message(FATAL_ERROR "CADENZA_WEB is ON but npm was not found. Install npm (Debian package npm), "
                        "or configure with -DCADENZA_WEB_DIST=<a built web app> or -DCADENZA_WEB=OFF.")
  endif()
  set(web_source ${CMAKE_SOURCE_DIR}/web)
  if(NOT EXISTS "${web_source}/node_modules")
    message(FATAL_ERROR "${web_source}/node_modules is missing: run `npm ci --prefix web` "
                        "(scripts/install-deps.sh does), or configure with "
                        "-DCADENZA_WEB_DIST=<a built web app> or -DCADENZA_WEB=OFF.")
  endif()
  set(web_dist ${CMAKE_BINARY_DIR}/web-dist)
  file(GLOB_RECURSE web_inputs CONFIGURE_DEPENDS
    ${web_source}/src/*
    ${web_source}/public/*)
  file(GLOB web_config CONFIGURE_DEPENDS
    ${web_source}/index.html
    ${web_source}/package.json
    ${web_source}/package-lock.json
    ${web_source}/vite.config.*
    ${web_source}/tsconfig*.json
    # npm rewrites this on every install: new dependencies rebuild the app.
    ${web_source}/node_modules/.package-lock.json)
  list(APPEND web_inputs ${web_config} ${CMAKE_SOURCE_DIR}/cmake/build_web.cmake)
  set(web_build_commands
    COMMAND ${CMAKE_COMMAND} -DNPM=${CADENZA_NPM} -DWEB_DIR=${web_source} -DOUT_DIR=${web_dist}
            -P ${CMAKE_SOURCE_DIR}/cmake/build_web.cmake)
  set(web_comment "Building the web app (npm run build)")
else()
  set(web_dist "")
  set(web_inputs "")
  set(web_build_commands "")
  set(web_comment "Generating an empty web app table (CADENZA_WEB=OFF)")
endif()

add_custom_command(
  OUTPUT ${web_outputs}
  ${web_build_commands}
  COMMAND ${CMAKE_COMMAND} -DDIST=${web_dist} -DSTAGE=${web_stage}
          -DASM_OUT=${web_generated}/web_app_files.s -DTABLE_OUT=${web_generated}/web_app_table.cc
          -DGZIP=${CADENZA_GZIP} -DBROTLI=${CADENZA_BROTLI} -P ${web_stage_script}
  DEPENDS ${web_inputs} ${web_stage_script}
  COMMENT "${web_comment}"
  USES_TERMINAL
  VERBATIM)

add_library(cadenza_web_app STATIC ${web_outputs})
cadenza_layer_folder(app app_headers)
target_include_directories(cadenza_web_app PRIVATE ${app_headers})
target_link_libraries(cadenza_web_app PRIVATE cadenza_http)
