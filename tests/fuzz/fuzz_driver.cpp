// A main() for the fuzz target without libFuzzer: replays the files given as arguments, or runs
// --runs=N random inputs (sizes and bytes from --seed=S). Used by the ctest smoke test and for
// reproducing a libFuzzer finding with any compiler.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    long runs = 200;
    unsigned long seed = 1;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--runs=", 0) == 0) {
            runs = std::strtol(a.c_str() + 7, nullptr, 10);
        } else if (a.rfind("--seed=", 0) == 0) {
            seed = std::strtoul(a.c_str() + 7, nullptr, 10);
        } else {
            files.push_back(a);
        }
    }
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "cannot read %s\n", f.c_str());
            return 2;
        }
        std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    }
    if (!files.empty()) return 0;
    std::mt19937_64 rng(seed);
    for (long r = 0; r < runs; ++r) {
        std::vector<std::uint8_t> bytes(rng() % 4096);
        for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    }
    std::printf("%ld random inputs: no disagreement\n", runs);
    return 0;
}
