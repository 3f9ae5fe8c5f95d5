"""The specification's use cases 1-4, walked by an independent gRPC client:
Python grpcio with stubs generated from proto/ by protoc. Checks the answers
PRODUCT.md promises, including status codes and google.rpc.ErrorInfo reasons.

usage: usecases.py HOST:PORT   (stubs on PYTHONPATH)
"""
import sys
import uuid

import grpc

from google.rpc import error_details_pb2, status_pb2
from volumed.v1 import host_pb2, host_pb2_grpc, vm_pb2, vm_pb2_grpc, volume_pb2, volume_pb2_grpc

V = volume_pb2


def error_reason(err):
    """The ErrorInfo reason and metadata carried in grpc-status-details-bin."""
    for key, value in err.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            st = status_pb2.Status.FromString(value)
            for detail in st.details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    assert info.domain == "volumed", info.domain
                    return info.reason, dict(info.metadata)
    return None, {}


def expect_error(call, code, reason):
    try:
        call()
    except grpc.RpcError as err:
        got = error_reason(err)
        assert err.code() == code, (err.code(), err.details())
        assert got[0] == reason, (got, err.details())
        return err, got[1]
    raise AssertionError("expected %s/%s, the call succeeded" % (code, reason))


def all_volumes(volumes, **filters):
    out, token = [], ""
    while True:
        page = volumes.ListVolumes(V.ListVolumesRequest(page_size=2, page_token=token, **filters))
        out.extend(page.volumes)
        token = page.next_page_token
        if not token:
            return out


def main(target):
    channel = grpc.insecure_channel(target)
    grpc.channel_ready_future(channel).result(timeout=30)
    volumes = volume_pb2_grpc.VolumeServiceStub(channel)
    hosts = host_pb2_grpc.HostServiceStub(channel)
    vms = vm_pb2_grpc.VmServiceStub(channel)
    # grpc.health.v1 stubs would shadow the installed grpc package, so the
    # health check goes out as raw bytes: an empty HealthCheckRequest, and a
    # response whose field 1 (status) is SERVING = 1.
    check = channel.unary_unary("/grpc.health.v1.Health/Check")
    assert check(b"") == b"\x08\x01"

    host = hosts.CreateHost(host_pb2.CreateHostRequest(name="host-py", address="10.0.0.9"))
    vm_ids = {}
    for name in ("VM-1", "VM-2"):
        vm_id = str(uuid.uuid4())
        vm = vms.CreateVm(vm_pb2.CreateVmRequest(id=vm_id, name=name, host_id=host.id))
        assert vm.id == vm_id and vm.name == name
        vm_ids[name] = vm_id

    # Use case 1: track all VM rootfs volumes (auto-registration).
    rootfs = {}
    for name, suffix in (("VM-1", "abc123"), ("VM-2", "def456")):
        path = "/srv/fc/vms/%s/storage/rootfs-%s.ext4" % (vm_ids[name], suffix)
        vol = volumes.RegisterVolume(V.RegisterVolumeRequest(vm_id=vm_ids[name], path=path))
        assert vol.name == "%s (rootfs-%s.ext4)" % (name, suffix), vol.name
        assert vol.description == "Rootfs for VM: %s" % name
        assert vol.type == V.VOLUME_TYPE_EXT4 and vol.status == V.VOLUME_STATUS_ATTACHED
        assert vol.host_id == host.id and vol.attachment_count == 1
        again = volumes.RegisterVolume(V.RegisterVolumeRequest(vm_id=vm_ids[name], path=path))
        assert again.id == vol.id, "registering again must return the same volume"
        rootfs[name] = vol
    names = sorted(v.name for v in all_volumes(volumes))
    assert names == ["VM-1 (rootfs-abc123.ext4)", "VM-2 (rootfs-def456.ext4)"], names
    atts = volumes.ListAttachments(V.ListAttachmentsRequest(volume_id=rootfs["VM-1"].id)).attachments
    assert [(a.vm_id, a.drive_id) for a in atts] == [(vm_ids["VM-1"], "rootfs")]

    # Use case 2: add a data disk to a running VM.
    data = volumes.CreateVolume(V.CreateVolumeRequest(
        name="Data Volume 1", path="/srv/fc/volumes/data-vol-1.ext4", size_bytes=10737418240,
        type=V.VOLUME_TYPE_EXT4, host_id=host.id))
    assert data.status == V.VOLUME_STATUS_AVAILABLE and data.size_bytes == 10737418240
    assert data.created_at.seconds > 0 and data.description == ""
    att = volumes.AttachVolume(V.AttachVolumeRequest(volume_id=data.id, vm_id=vm_ids["VM-1"], drive_id="vdb"))
    assert att.volume_id == data.id and att.drive_id == "vdb" and not att.read_only
    assert volumes.GetVolume(V.GetVolumeRequest(id=data.id)).status == V.VOLUME_STATUS_ATTACHED
    retry = volumes.AttachVolume(V.AttachVolumeRequest(volume_id=data.id, vm_id=vm_ids["VM-1"], drive_id="vdb"))
    assert retry.id == att.id, "a retried attach returns the existing attachment"
    expect_error(lambda: volumes.CreateVolume(V.CreateVolumeRequest(
        name="dup", path="/srv/fc//volumes/./data-vol-1.ext4", size_bytes=1, type=V.VOLUME_TYPE_RAW,
        host_id=host.id)), grpc.StatusCode.ALREADY_EXISTS, "DUPLICATE_PATH")
    _, meta = expect_error(lambda: volumes.CreateVolume(V.CreateVolumeRequest(
        name="bad", path="../etc/passwd", size_bytes=1, type=V.VOLUME_TYPE_RAW, host_id=host.id)),
        grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FIELD")
    assert meta.get("field") == "path", meta

    # Use case 3: move the volume between VMs.
    _, meta = expect_error(lambda: volumes.AttachVolume(V.AttachVolumeRequest(
        volume_id=data.id, vm_id=vm_ids["VM-2"], drive_id="vdb")),
        grpc.StatusCode.FAILED_PRECONDITION, "ATTACHED_ELSEWHERE")
    assert meta.get("vm_id") == vm_ids["VM-1"], meta
    after = volumes.DetachVolume(V.DetachVolumeRequest(volume_id=data.id, vm_id=vm_ids["VM-1"]))
    assert after.status == V.VOLUME_STATUS_AVAILABLE and after.attachment_count == 0
    volumes.AttachVolume(V.AttachVolumeRequest(volume_id=data.id, vm_id=vm_ids["VM-2"], drive_id="vdb"))
    assert volumes.GetVolume(V.GetVolumeRequest(id=data.id)).status == V.VOLUME_STATUS_ATTACHED
    expect_error(lambda: volumes.DetachVolume(V.DetachVolumeRequest(volume_id=data.id, vm_id=vm_ids["VM-1"])),
                 grpc.StatusCode.NOT_FOUND, "ATTACHMENT_NOT_FOUND")

    # Use case 4: clean up orphaned volumes.
    vms.DeleteVm(vm_pb2.DeleteVmRequest(id=vm_ids["VM-1"]))
    orphans = all_volumes(volumes, status=V.VOLUME_STATUS_AVAILABLE)
    assert [v.id for v in orphans] == [rootfs["VM-1"].id], [v.name for v in orphans]
    err, meta = expect_error(lambda: volumes.DeleteVolume(V.DeleteVolumeRequest(id=data.id)),
                             grpc.StatusCode.FAILED_PRECONDITION, "VOLUME_ATTACHED")
    assert meta.get("vm_id") == vm_ids["VM-2"] and vm_ids["VM-2"] in err.details(), (meta, err.details())
    for v in orphans:
        volumes.DeleteVolume(V.DeleteVolumeRequest(id=v.id))
    expect_error(lambda: volumes.GetVolume(V.GetVolumeRequest(id=rootfs["VM-1"].id)),
                 grpc.StatusCode.NOT_FOUND, "VOLUME_NOT_FOUND")
    assert all_volumes(volumes, status=V.VOLUME_STATUS_AVAILABLE) == []
    assert len(all_volumes(volumes)) == 2

    # Strings must be valid UTF-8 both ways; a bad UUID is a clear error.
    expect_error(lambda: volumes.GetVolume(V.GetVolumeRequest(id="not-a-uuid")),
                 grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FIELD")
    unicode_host = hosts.CreateHost(host_pb2.CreateHostRequest(name="höst-ü 🚀"))
    assert hosts.GetHost(host_pb2.GetHostRequest(id=unicode_host.id)).name == "höst-ü 🚀"
    print("usecases.py: ok")


if __name__ == "__main__":
    main(sys.argv[1])
