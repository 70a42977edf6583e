// OCOPWire
