"""deploy/k8s: the kustomize base and the example overlay, built and validated offline.

The build is a small kustomize-equivalent here (resources, namespace, images, labels, patches by
kind and name): kubectl is not a Debian package, and Debian's kubernetes-client is too old for
kustomize v5. When a kubectl is on the PATH, its `kubectl kustomize` output is compared with ours.
Every manifest is validated against the Kubernetes 1.37 schemas that kubernetes-validate bundles
(strict: unknown fields are errors), with no network."""

import copy
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.urls import reverse

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
OVERLAY = K8S / "overlays" / "example"
KUBERNETES_VERSION = "1.37.0"
CLUSTER_SCOPED = {"Namespace"}


def _merge(base: dict, patch: dict) -> dict:
    """A strategic merge for what our patches use: maps merged key by key, anything else replaced."""
    merged = copy.deepcopy(base)
    for key, value in patch.items():
        both_maps = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _merge(merged[key], value) if both_maps else value
    return merged


def build(folder: Path) -> list[dict]:
    """The manifests `kubectl kustomize folder` would print, for the features our files use."""
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    docs: list[dict] = []
    for resource in kustomization.get("resources", []):
        path = folder / resource
        docs += build(path) if path.is_dir() else [d for d in yaml.safe_load_all(path.read_text()) if d]
    for entry in kustomization.get("patches", []):
        patch = yaml.safe_load((folder / entry["path"]).read_text())
        targets = [d for d in docs if (d["kind"], d["metadata"]["name"]) == (patch["kind"], patch["metadata"]["name"])]
        assert len(targets) == 1, f"patch {entry['path']} matches {len(targets)} resources"
        docs[docs.index(targets[0])] = _merge(targets[0], patch)
    for label in kustomization.get("labels", []):
        for doc in docs:
            doc["metadata"].setdefault("labels", {}).update(label["pairs"])
    images = {i["name"]: f"{i['newName']}:{i['newTag']}" for i in kustomization.get("images", [])}
    for doc in docs:
        if "namespace" in kustomization and doc["kind"] not in CLUSTER_SCOPED:
            doc["metadata"]["namespace"] = kustomization["namespace"]
        for container in containers(doc):
            container["image"] = images.get(container["image"], container["image"])
    return docs


def pod_spec(doc: dict) -> dict | None:
    return doc["spec"]["template"]["spec"] if doc["kind"] in {"Deployment", "Job"} else None


def containers(doc: dict) -> list[dict]:
    spec = pod_spec(doc)
    return spec["containers"] if spec else []


def one(docs, kind, name) -> dict:
    (doc,) = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    return doc


@pytest.fixture(scope="module", params=["base", "overlay"])
def docs(request):
    return build(K8S / "base" if request.param == "base" else OVERLAY)


@pytest.fixture(scope="module")
def overlay():
    return build(OVERLAY)


def test_every_manifest_is_valid_kubernetes(docs):
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_web_deployment(docs):
    web = one(docs, "Deployment", "kipolicy-web")
    (container,) = containers(web)
    assert container["command"][0] == "gunicorn"
    probes = {p: container[p]["httpGet"]["path"] for p in ("readinessProbe", "livenessProbe")}
    assert probes == {"readinessProbe": "/health/ready/", "livenessProbe": "/health/live/"}
    assert reverse("health-ready") == probes["readinessProbe"] and reverse("health-live") == probes["livenessProbe"]
    service = one(docs, "Service", "kipolicy-web")
    assert service["spec"]["selector"].items() <= web["spec"]["template"]["metadata"]["labels"].items()


def test_every_pod_runs_unprivileged_on_a_read_only_root(docs):
    for doc in docs:
        spec = pod_spec(doc)
        if not spec:
            continue
        assert spec["securityContext"]["runAsNonRoot"] is True, doc["metadata"]["name"]
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert {"requests", "limits"} <= set(container["resources"]), doc["metadata"]["name"]
            mounts = {m["mountPath"]: volumes[m["name"]] for m in container.get("volumeMounts", [])}
            assert "emptyDir" in mounts["/tmp"]  # where it must write
            for volume in mounts.values():
                assert {"emptyDir", "persistentVolumeClaim"} & set(volume)


def test_workers_scale(docs):
    worker = one(docs, "Deployment", "kipolicy-worker")
    assert containers(worker)[0]["command"][:4] == ["celery", "-A", "kipolicy", "worker"]
    hpa = one(docs, "HorizontalPodAutoscaler", "kipolicy-worker")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "kipolicy-worker"}
    assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]


def test_exactly_one_beat_never_two_during_a_rollout(docs):
    beats = [d for d in docs if any("beat" in c["command"] for c in containers(d))]
    assert [d["metadata"]["name"] for d in beats] == ["kipolicy-beat"]
    (beat,) = beats
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    scaled = {d["spec"]["scaleTargetRef"]["name"] for d in docs if d["kind"] == "HorizontalPodAutoscaler"}
    assert "kipolicy-beat" not in scaled


def test_migrations_run_as_a_job(docs):
    job = one(docs, "Job", "kipolicy-migrate")
    assert containers(job)[0]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert pod_spec(job)["restartPolicy"] == "Never"


def test_config_in_a_configmap_and_secrets_only_by_reference(docs):
    assert not [d for d in docs if d["kind"] == "Secret"], "no secrets in git"
    config = one(docs, "ConfigMap", "kipolicy-config")["data"]
    assert not {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "SENTRY_DSN"} & set(config)
    assert config["DEBUG"] == "false"
    for doc in docs:
        for container in containers(doc):
            refs = {next(iter(ref)): next(iter(ref.values()))["name"] for ref in container["envFrom"]}
            assert refs == {"configMapRef": "kipolicy-config", "secretRef": "kipolicy-secrets"}


def test_postgresql_and_redis_are_external(overlay):
    images = " ".join(c["image"] for d in overlay for c in containers(d))
    assert "postgres" not in images and "redis" not in images
    assert not [d for d in overlay if d["kind"] == "StatefulSet"]
    for name in ("postgres", "redis"):
        assert one(overlay, "Service", name)["spec"]["type"] == "ExternalName"


def test_the_overlay_sets_namespace_image_and_replicas(overlay):
    assert {d["metadata"].get("namespace") for d in overlay if d["kind"] != "Namespace"} == {"kipolicy"}
    assert {c["image"] for d in overlay for c in containers(d)} == {"registry.example.ki.se/kipolicy:1.0.0"}
    assert one(overlay, "Deployment", "kipolicy-web")["spec"]["replicas"] == 3
    assert one(overlay, "Deployment", "kipolicy-beat")["spec"]["replicas"] == 1


@pytest.mark.skipif(not shutil.which("kubectl"), reason="no kubectl on the PATH (not a Debian package)")
@pytest.mark.parametrize("folder", [K8S / "base", OVERLAY], ids=["base", "overlay"])
def test_kubectl_kustomize_agrees(folder):
    result = subprocess.run(["kubectl", "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    theirs = [d for d in yaml.safe_load_all(result.stdout) if d]

    def key(doc):
        meta = doc["metadata"]
        return (doc["kind"], meta["name"], meta.get("namespace"))

    ours = {key(d): d for d in build(folder)}
    assert set(ours) == {key(d) for d in theirs}
    for doc in theirs:
        mine = ours[key(doc)]
        assert doc.get("spec") == mine.get("spec"), key(doc)
        assert doc.get("data") == mine.get("data"), key(doc)
