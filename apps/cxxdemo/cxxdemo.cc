// cxxdemo: an ordinary C++ program (Debian's libc++ for wasm32, iostreams,
// the standard containers and algorithms; exceptions off, as wasm32 C++
// builds have them here): counts the words of its arguments or of stdin
// and prints the most frequent, sorted. Nothing Azoth-specific in it.
#include <algorithm>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
    std::map<std::string, int> counts;
    std::string word;
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            std::istringstream in(argv[i]);
            while (in >> word)
                counts[word]++;
        }
    } else {
        while (std::cin >> word)
            counts[word]++;
    }
    std::vector<std::pair<std::string, int>> v(counts.begin(), counts.end());
    std::stable_sort(v.begin(), v.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    int total = 0;
    for (const auto &p : v)
        total += p.second;
    std::cout << "cxxdemo: " << total << " words, " << v.size() << " different" << std::endl;
    for (size_t i = 0; i < v.size() && i < 5; i++)
        std::cout << "cxxdemo: " << v[i].first << " " << v[i].second << std::endl;
    return total ? 0 : 1;
}
