"""OTP: POST /otp generates and sends a code; POST /otp/verify checks it."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns.api.errors import ApiError
from campaigns.api.sending import choose_connection, choose_sender
from campaigns.api.serializers.otp import OtpCreateSerializer, OtpSerializer, OtpVerifyResult, OtpVerifySerializer
from campaigns.api.throttling import SendThrottle
from campaigns.api.views.base import ScopedViewSet
from campaigns.models import OtpRequest
from campaigns.services import otp as otp_service
from providers.base import Capability


class OtpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = OtpRequest.objects.all()
    serializer_class = OtpSerializer
    shared_null = False
    filterset_fields = ["to"]

    def get_throttles(self):
        return [*super().get_throttles(), SendThrottle()] if self.action in ("create", "verify") else super().get_throttles()

    @extend_schema(request=OtpCreateSerializer, responses={201: OtpSerializer})
    def create(self, request):
        """Generate a code and send it (our code by SMS or voice, or the provider's own OTP)."""
        params = OtpCreateSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        connection = self._connection(data)
        channel = data["channel"]
        sender = "" if data["use_provider_otp"] else choose_sender(self.scope, channel, data["sender"], connection)
        try:
            with transaction.atomic():
                otp = otp_service.generate(
                    account=self.scope.account,
                    connection=connection,
                    to=data["to"],
                    channel=channel,
                    subaccount=self.scope.subaccount,
                    sender=sender or data["sender"],
                    length=data["length"],
                    ttl_seconds=data["ttl_seconds"],
                    max_attempts=data["max_attempts"],
                    text=data["text"],
                    use_provider=data["use_provider_otp"],
                    user=self.scope.user if getattr(self.scope.user, "pk", None) else None,
                )
        except otp_service.OtpError as exc:
            raise ApiError(422, exc.code, exc.message)
        return Response(OtpSerializer(otp).data, status=status.HTTP_201_CREATED)

    def _connection(self, data: dict):
        if not data["use_provider_otp"]:
            return choose_connection(self.scope, data["channel"], data.get("connection"))
        given = data.get("connection")
        if given is None:
            candidates = [c for c in self.scope.account.connections.filter(is_active=True) if c.backend_class().supports(Capability.OTP)]
            if not candidates:
                raise ApiError(422, "otp_not_supported", "No active connection of this account offers the provider's OTP.")
            return candidates[0]
        return given

    @extend_schema(request=OtpVerifySerializer, responses={200: OtpVerifyResult})
    @action(detail=False, methods=["post"])
    def verify(self, request):
        """Check a code. Answers 200 with `verified` true or false and why; every try counts."""
        params = OtpVerifySerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        found = self.get_queryset()
        found = found.filter(pk=data["id"]) if data.get("id") else found.filter(to=data["to"]).order_by("-id")
        otp = found.first()
        if otp is None:
            raise ApiError(404, "not_found", "No such OTP.")
        result = otp_service.verify(otp, data["code"])
        return Response({"id": otp.pk, "verified": result.verified, "status": result.status, "attempts_left": result.attempts_left})
