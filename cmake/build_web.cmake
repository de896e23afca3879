# Builds the web app with npm, run with `cmake -P`:
#   -DNPM=<npm> -DWEB_DIR=<source folder web/> -DOUT_DIR=<absolute output folder>
# Dependencies are installed by `npm ci --prefix web` (scripts/install-deps.sh), never here:
# a build must not reach the network.
cmake_minimum_required(VERSION 3.25)

if(NOT EXISTS "${WEB_DIR}/node_modules")
  message(FATAL_ERROR "${WEB_DIR}/node_modules is missing: run `npm ci --prefix ${WEB_DIR}` "
                      "(scripts/install-deps.sh does), or configure with -DCADENZA_WEB=OFF or "
                      "-DCADENZA_WEB_DIST=<a built web app>")
endif()
execute_process(
  COMMAND "${NPM}" --prefix "${WEB_DIR}" run build -- --outDir "${OUT_DIR}" --emptyOutDir
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the web app failed: `npm --prefix ${WEB_DIR} run build` exited with ${rc}")
endif()
if(NOT EXISTS "${OUT_DIR}/index.html")
  message(FATAL_ERROR "the web app build wrote no index.html into ${OUT_DIR}")
endif()
