// OCOPNetwork
