"""Render the view-model through the Jinja templates into api/ and model/.

Output is written to a scratch directory, formatted with clang-format (the
repository's .clang-format), then copied over the target directories; files
whose bytes did not change are left untouched (mtimes too), and generated
files that are no longer produced are removed.
"""

import os
import shutil
import subprocess
import tempfile

import jinja2

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "templates")
CLANG_FORMAT_CANDIDATES = ("clang-format-14", "clang-format")


def environment():
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )


def outputs(api):
    """Yield (relative path, text) for every generated file, in order."""
    env = environment()
    t = {name: env.get_template(name + ".j2") for name in (
        "model.h", "model.c", "api.h", "api.c", "all.h", "descriptors.h",
        "arrays.h", "arrays.c", "version.h")}
    for m in api.models:
        yield "model/%s.h" % m.file, t["model.h"].render(api=api, m=m)
        if m.kind != "alias":
            yield "model/%s.c" % m.file, t["model.c"].render(api=api, m=m)
    if api.nested_arrays:
        # Containers of models are defined in the models' headers.
        forwards = sorted({a.item_c_type for a in api.nested_arrays
                           if a.elem.shape in ("array", "map")
                           and a.elem.elem.shape == "model"})
        yield "model/arrays.h", t["arrays.h"].render(api=api,
                                                     forwards=forwards)
        yield "model/arrays.c", t["arrays.c"].render(api=api)
    yield "model/internal/descriptors.h", t["descriptors.h"].render(api=api)
    model_headers = [m.file for m in api.models] + (
        ["arrays"] if api.nested_arrays else [])
    yield "model/all.h", t["all.h"].render(api=api, kind="model",
                                           files=sorted(model_headers))
    for mod in api.modules:
        yield "api/%s.h" % mod.file, t["api.h"].render(api=api, mod=mod)
        yield "api/%s.c" % mod.file, t["api.c"].render(api=api, mod=mod)
    yield "api/all.h", t["all.h"].render(
        api=api, kind="api", files=[mod.file for mod in api.modules])
    yield "api/version.h", t["version.h"].render(api=api)


def find_clang_format():
    for name in CLANG_FORMAT_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def format_tree(root, style_file, clang_format):
    files = []
    for dirpath, _, names in os.walk(root):
        files += [os.path.join(dirpath, n) for n in sorted(names)
                  if n.endswith((".c", ".h"))]
    files.sort()
    # .clang-format is looked up from the file's directory upwards.
    shutil.copy(style_file, os.path.join(root, ".clang-format"))
    for i in range(0, len(files), 200):
        subprocess.run([clang_format, "-i"] + files[i:i + 200], check=True)
    os.unlink(os.path.join(root, ".clang-format"))


def write(api, out_dir, style_file=None, clang_format=None, fmt=True):
    """Generate into out_dir/api and out_dir/model.  Returns the list of
    files that changed (written or removed)."""
    changed = []
    with tempfile.TemporaryDirectory(prefix="clerkgen.") as tmp:
        produced = []
        for rel, text in outputs(api):
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            produced.append(rel)
        if fmt:
            clang_format = clang_format or find_clang_format()
            if clang_format is None:
                raise RuntimeError("clang-format not found (need 14)")
            format_tree(tmp, style_file, clang_format)
        for rel in produced:
            src = os.path.join(tmp, rel)
            dst = os.path.join(out_dir, rel)
            with open(src, "rb") as f:
                data = f.read()
            old = None
            if os.path.exists(dst):
                with open(dst, "rb") as f:
                    old = f.read()
            if old != data:
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                with open(dst, "wb") as f:
                    f.write(data)
                changed.append(rel)
        keep = set(produced)
        for sub in ("api", "model"):
            root = os.path.join(out_dir, sub)
            for dirpath, _, names in os.walk(root):
                for n in names:
                    rel = os.path.relpath(os.path.join(dirpath, n), out_dir)
                    if rel not in keep and n.endswith((".c", ".h")):
                        os.unlink(os.path.join(dirpath, n))
                        changed.append(rel)
    return sorted(changed)
