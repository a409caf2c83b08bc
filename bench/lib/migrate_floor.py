"""The floor of a registry-to-registry copy for bench/migrate: copies the plan making only
the requests the distribution protocol needs, PARALLEL at once over keep-alive
connections: each source manifest (and index child) read once; each unique blob read
once, uploaded once (POST, then one PUT with the whole body) and mounted into every other
destination repository that needs it; every manifest PUT once (children before their
index). No tag checks, no retries, no verification: what any copier has to ask of the
two registries, and nothing more. Prints the seconds taken.

usage: migrate_floor.py SOURCE_HOST DEST_HOST CA_CERT USER:PASSWORD_FILE PLAN PARALLEL DEST_PREFIX
(PLAN: lines `SOURCE_HOST/REPO:TAG DEST_REPO_PATH:TAG`; the destination repository is
DEST_PREFIX/ plus the destination path after its first component.)"""
import base64
import concurrent.futures
import http.client
import json
import ssl
import sys
import threading
import time
import urllib.parse

source, dest, ca, creds_file, plan, parallel, prefix = sys.argv[1:8]
parallel = int(parallel)
auth = "Basic " + base64.b64encode(open(creds_file, "rb").read().strip()).decode()
context = ssl.create_default_context(cafile=ca)
ACCEPT = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])
local = threading.local()


def request(side, method, path, body=None, headers=None):
    """One request on this thread's keep-alive connection to `side` ("src" or "dst")."""
    conn = getattr(local, side, None)
    if conn is None:
        if side == "src":
            conn = http.client.HTTPConnection(source, timeout=120)
        else:
            conn = http.client.HTTPSConnection(dest, context=context, timeout=120)
        setattr(local, side, conn)
    headers = dict(headers or {})
    if side == "dst":
        headers["Authorization"] = auth
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response, response.read()


def read_item(line):
    """The item's manifest, its children (for an index) and its destination repository."""
    src_ref, dst_ref = line.split()
    repo, tag = src_ref.split("/", 1)[1].rsplit(":", 1)
    dst_repo = prefix + "/" + dst_ref.rsplit(":", 1)[0].split("/", 1)[1]
    response, body = request("src", "GET", f"/v2/{repo}/manifests/{tag}", headers={"Accept": ACCEPT})
    assert response.status == 200, (src_ref, response.status)
    top = (tag, response.getheader("Content-Type"), body)
    children = []
    for child in json.loads(body).get("manifests", []):
        response, child_body = request("src", "GET", f"/v2/{repo}/manifests/{child['digest']}",
                                       headers={"Accept": ACCEPT})
        assert response.status == 200, (child["digest"], response.status)
        children.append((child["digest"], response.getheader("Content-Type"), child_body))
    return repo, dst_repo, top, children


def copy_blob(digest, places):
    """Reads the blob once, uploads it to the first repository, mounts it into the rest."""
    src_repo, first = places[0]
    response, data = request("src", "GET", f"/v2/{src_repo}/blobs/{digest}")
    assert response.status == 200, (digest, response.status)
    response, _ = request("dst", "POST", f"/v2/{first}/blobs/uploads/", headers={"Content-Length": "0"})
    assert response.status == 202, response.status
    location = urllib.parse.urlsplit(response.getheader("Location"))
    query = (location.query + "&" if location.query else "") + f"digest={digest}"
    response, _ = request("dst", "PUT", f"{location.path}?{query}", body=data,
                          headers={"Content-Type": "application/octet-stream"})
    assert response.status == 201, response.status
    for other in sorted({repo for _, repo in places[1:]} - {first}):
        response, _ = request("dst", "POST", f"/v2/{other}/blobs/uploads/?mount={digest}&from={first}",
                              headers={"Content-Length": "0"})
        assert response.status == 201, response.status


def put_manifests(item):
    _, dst_repo, (tag, media_type, body), children = item
    for digest, child_type, child_body in children:
        response, _ = request("dst", "PUT", f"/v2/{dst_repo}/manifests/{digest}", body=child_body,
                              headers={"Content-Type": child_type})
        assert response.status == 201, response.status
    response, _ = request("dst", "PUT", f"/v2/{dst_repo}/manifests/{tag}", body=body,
                          headers={"Content-Type": media_type})
    assert response.status == 201, response.status


start = time.time()
with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
    items = list(pool.map(read_item, open(plan).read().split("\n")[:-1]))
    places = {}
    for src_repo, dst_repo, (_, _, body), children in items:
        for manifest in [json.loads(c[2]) for c in children] or [json.loads(body)]:
            for blob in [manifest["config"], *manifest["layers"]]:
                places.setdefault(blob["digest"], []).append((src_repo, dst_repo))
    list(pool.map(lambda kv: copy_blob(*kv), places.items()))
    list(pool.map(put_manifests, items))
print(f"{time.time() - start:.2f}")
