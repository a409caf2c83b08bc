"""Builds the bench/migrate fixture as OCI layouts: REPOS repositories x TAGS tags, each
image three layers (a base layer shared by all, one per repository, one per image); the
first tag of every repository is a two-platform index. Prints `repo tag layout` lines and,
last, the total bytes of unique blobs."""
import hashlib
import json
import os
import sys

root, repos, tags = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
unique_bytes = 0
seen = set()


def blob(layout, data, counted=True):
    """Writes a blob; `counted` blobs (configs and layers, not manifests) add to the
    unique bytes a copy must upload."""
    global unique_bytes
    digest = hashlib.sha256(data).hexdigest()
    path = f"{layout}/blobs/sha256/{digest}"
    if not os.path.exists(path):
        open(path, "wb").write(data)
    if counted and digest not in seen:
        seen.add(digest)
        unique_bytes += len(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def data(seed, size):
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}-{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


base = data("base", 2 << 20)


def image(layout, repo, tag, arch):
    layers = [blob(layout, base), blob(layout, data(repo, 512 << 10)), blob(layout, data(f"{repo}:{tag}:{arch}", 64 << 10))]
    layers = [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **l} for l in layers]
    config = blob(layout, json.dumps({"architecture": arch, "os": "linux", "rootfs": {"type": "layers", "diff_ids": [l["digest"] for l in layers]}}).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config}, "layers": layers}
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", **blob(layout, json.dumps(manifest).encode(), False),
            "platform": {"architecture": arch, "os": "linux"}}


for r in range(repos):
    for t in range(tags):
        repo, tag = f"app{r:02d}", f"v{t}"
        layout = f"{root}/{repo}-{tag}"
        os.makedirs(f"{layout}/blobs/sha256", exist_ok=True)
        open(f"{layout}/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
        if t == 0:
            children = [image(layout, repo, tag, a) for a in ("amd64", "arm64")]
            index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": children}
            top = {"mediaType": "application/vnd.oci.image.index.v1+json", **blob(layout, json.dumps(index).encode(), False)}
        else:
            top = image(layout, repo, tag, "amd64")
            top.pop("platform")
        top["annotations"] = {"org.opencontainers.image.ref.name": tag}
        json.dump({"schemaVersion": 2, "manifests": [top]}, open(f"{layout}/index.json", "w"))
        print(repo, tag, layout)
print(unique_bytes)
