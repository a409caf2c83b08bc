"""The raw ingest limit of a registry for bench/migrate: uploads every unique config and
layer blob found in the fixture's OCI layouts (manifests left out), each once, as
monolithic uploads (POST, then one PUT with the whole body, as ecrctl does), PARALLEL at
once over keep-alive HTTPS connections. Prints the seconds taken.

usage: migrate_ingest.py HOST CA_CERT USER:PASSWORD_FILE LAYOUT_ROOT PARALLEL REPO_PREFIX"""
import base64
import concurrent.futures
import http.client
import os
import ssl
import sys
import threading
import time
import urllib.parse

host, ca, creds_file, root, parallel, prefix = sys.argv[1:7]
parallel = int(parallel)
auth = "Basic " + base64.b64encode(open(creds_file, "rb").read().strip()).decode()
context = ssl.create_default_context(cafile=ca)

blobs = {}
for layout in os.listdir(root):
    folder = f"{root}/{layout}/blobs/sha256"
    for digest in os.listdir(folder):
        path = f"{folder}/{digest}"
        with open(path, "rb") as f:
            head = f.read(64)
        if b'"schemaVersion"' in head:
            continue  # a manifest: PUT by reference, not ingested as a blob
        blobs.setdefault(digest, path)

local = threading.local()


def connection():
    if not hasattr(local, "conn"):
        local.conn = http.client.HTTPSConnection(host, context=context, timeout=120)
    return local.conn


def upload(item):
    n, (digest, path) = item
    data = open(path, "rb").read()
    repo = f"{prefix}/r{n % parallel}"
    conn = connection()
    conn.request("POST", f"/v2/{repo}/blobs/uploads/", headers={"Authorization": auth, "Content-Length": "0"})
    response = conn.getresponse()
    response.read()
    assert response.status == 202, response.status
    location = urllib.parse.urlsplit(response.getheader("Location"))
    query = (location.query + "&" if location.query else "") + f"digest=sha256:{digest}"
    conn.request("PUT", f"{location.path}?{query}", body=data,
                 headers={"Authorization": auth, "Content-Type": "application/octet-stream"})
    response = conn.getresponse()
    response.read()
    assert response.status == 201, response.status
    return len(data)


start = time.time()
with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
    total = sum(pool.map(upload, enumerate(sorted(blobs.items()))))
print(f"{time.time() - start:.2f} {total}")
