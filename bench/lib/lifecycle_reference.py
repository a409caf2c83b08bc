"""A straightforward Python evaluator of ECR lifecycle rules, for bench/lifecycle only:
the baseline a platform team would write by hand. Same semantics as ecrctl's engine
(priority order, shielding by higher selections, newest-first counting)."""
import fnmatch
import json
import sys
import time

DAY = 86400


def selects(rule, image):
    sel = rule["selection"]
    tags = image.get("imageTags") or []
    status = sel["tagStatus"]
    if status == "any":
        return True
    if status == "untagged":
        return not tags
    if "tagPrefixList" in sel:
        return all(any(t.startswith(p) for t in tags) for p in sel["tagPrefixList"])
    return all(any(fnmatch.fnmatchcase(t, p) for t in tags) for p in sel["tagPatternList"])


def evaluate(policy, images, now):
    rules = sorted(policy["rules"], key=lambda r: r["rulePriority"])
    order = sorted(range(len(images)), key=lambda i: (images[i]["imagePushedAt"], images[i]["imageDigest"]), reverse=True)
    claimed = [None] * len(images)
    acted = [None] * len(images)
    for rule in rules:
        sel = rule["selection"]
        selection = [i for i in order if selects(rule, images[i])]
        for rank, i in enumerate(selection):
            if sel["countType"] == "imageCountMoreThan":
                marked = rank >= sel["countNumber"]
            else:
                marked = now - images[i]["imagePushedAt"] > sel["countNumber"] * DAY
            if marked and acted[i] is None and claimed[i] is None:
                acted[i] = rule["rulePriority"]
        for i in selection:
            if claimed[i] is None:
                claimed[i] = rule["rulePriority"]
    return acted


if __name__ == "__main__":
    images = json.load(open(sys.argv[1]))["imageDetails"]
    policy = json.load(open(sys.argv[2]))
    now = float(sys.argv[3])
    start = time.perf_counter()
    acted = evaluate(policy, images, now)
    elapsed = (time.perf_counter() - start) * 1000
    print(f"{elapsed:.1f} {sum(a is not None for a in acted)}")
