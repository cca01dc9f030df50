"""The pages of the app, one module per domain (the URLs in `harmreduction.urls` name them):

- `vouchers`: the weekly voucher sheet and the voucher stock;
- `supplies`: the material, its stock pages and handing out (naloxone kits included);
- `activities`: overdoses, collections of used material, advice and drug checking;
- `common`: who may do what, and the helpers the three share.
"""
