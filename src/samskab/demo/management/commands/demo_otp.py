import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samskab.demo.load import DEMO_USERNAME


class Command(BaseCommand):
    help = ("Print the current two-factor code of the demo's staff login (for trying the demo "
            "without an authenticator app; it works for the demo account only).")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
        device = user and TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        if device is None:
            raise CommandError("No demo login with a two-factor key: run `samskab demo` first.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(f"{code:0{device.digits}d}  (valid for {left} more seconds)")
