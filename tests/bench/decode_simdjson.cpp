/*
 * The decode anchor (issue 13): simdjson On-Demand visiting every value of
 * a document, as decode_bench.c does for libclerk and cJSON.
 *
 *   decode_simdjson FILE N [time]
 *
 * iterates FILE N times, visiting every key, string (unescaped), number
 * (as a double), boolean and null, and prints what it read (values,
 * string bytes, nulls, trues, sum of numbers).  With `time` it prints the
 * nanoseconds per document instead (best of five rounds of N).  Built only
 * when Debian's libsimdjson-dev is installed (tests/bench/CMakeLists.txt).
 */
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

struct tally {
    size_t values = 0;
    size_t bytes = 0;
    size_t nulls = 0;
    size_t trues = 0;
    double sum = 0;
};

simdjson::error_code visit(simdjson::ondemand::value v, tally &t)
{
    using namespace simdjson;
    ondemand::json_type type;
    error_code e = v.type().get(type);

    if (e) {
        return e;
    }
    t.values++;
    switch (type) {
    case ondemand::json_type::object: {
        ondemand::object o;
        if ((e = v.get_object().get(o))) {
            return e;
        }
        for (auto field : o) {
            std::string_view key;
            ondemand::value fv;
            if ((e = field.unescaped_key().get(key))) {
                return e;
            }
            t.bytes += key.size();
            if ((e = field.value().get(fv)) || (e = visit(fv, t))) {
                return e;
            }
        }
        return SUCCESS;
    }
    case ondemand::json_type::array: {
        ondemand::array a;
        if ((e = v.get_array().get(a))) {
            return e;
        }
        for (auto item : a) {
            ondemand::value iv;
            if ((e = item.get(iv)) || (e = visit(iv, t))) {
                return e;
            }
        }
        return SUCCESS;
    }
    case ondemand::json_type::string: {
        std::string_view s;
        if ((e = v.get_string().get(s))) {
            return e;
        }
        t.bytes += s.size();
        return SUCCESS;
    }
    case ondemand::json_type::number: {
        double d;
        if ((e = v.get_double().get(d))) {
            return e;
        }
        t.sum += d;
        return SUCCESS;
    }
    case ondemand::json_type::boolean: {
        bool b;
        if ((e = v.get_bool().get(b))) {
            return e;
        }
        t.trues += b ? 1 : 0;
        return SUCCESS;
    }
    case ondemand::json_type::null:
        t.nulls++;
        return v.is_null() ? SUCCESS : INCORRECT_TYPE;
    }
    return INCORRECT_TYPE;
}

bool decode_once(
    simdjson::ondemand::parser &parser,
    const simdjson::padded_string &text,
    tally &t)
{
    simdjson::ondemand::document doc;
    simdjson::ondemand::value root;

    if (parser.iterate(text).get(doc) || doc.get_value().get(root) ||
        visit(root, t)) {
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s FILE N [time]\n", argv[0]);
        return 2;
    }
    simdjson::padded_string text;
    if (simdjson::padded_string::load(argv[1]).get(text)) {
        std::fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    long n = std::strtol(argv[2], nullptr, 10);
    bool timing = argc > 3 && std::strcmp(argv[3], "time") == 0;
    simdjson::ondemand::parser parser;
    tally t;

    if (!timing) {
        for (long i = 0; i < n; i++) {
            if (!decode_once(parser, text, t)) {
                std::fprintf(stderr, "decode failed\n");
                return 1;
            }
        }
        std::printf(
            "values %zu bytes %zu nulls %zu trues %zu sum %.17g\n", t.values,
            t.bytes, t.nulls, t.trues, t.sum);
        return 0;
    }
    double best = 0;
    for (int round = 0; round < 5; round++) {
        auto t0 = std::chrono::steady_clock::now();
        for (long i = 0; i < n; i++) {
            if (!decode_once(parser, text, t)) {
                return 1;
            }
        }
        auto t1 = std::chrono::steady_clock::now();
        double ns =
            std::chrono::duration<double, std::nano>(t1 - t0).count() /
            (double)(n > 0 ? n : 1);
        if (round == 0 || ns < best) {
            best = ns;
        }
    }
    std::printf("%.1f\n", best);
    return 0;
}
