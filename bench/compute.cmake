# bench/compute's driver: generates the benchmark data with our Parquet writer
# and runs one query per process (see bench/compute and bench/compute.md).
add_executable(medallion_bench_compute ${CMAKE_CURRENT_LIST_DIR}/compute_bench.c)
target_link_libraries(medallion_bench_compute PRIVATE medallion_static)
